import { stem } from '../search/analyzer';

/**
 * Everyday English words. A question word that is missing from the guidance only counts as a
 * "key term not covered" when it is not one of these (paraphrases use everyday words freely).
 */
export const COMMON_WORDS = new Set(
  `able above across act actually add after again against age ago agree ahead allow almost alone along already always among
  amount another answer anymore anyone anything anyway anywhere area around arrive ask asked away back bad bag base basic
  became become before begin behind believe below best better big bit black body book born both bottom bought box break bring
  brought build built busy buy call came care carry case catch caught cause certain chance change check choose city clear close
  come common complete consider could couple course cover cut day dead deal decide deep did different doing done door down
  draw drive drop due during each early easy eat either else end enough even ever every everyone everything example face fact
  fall family far fast feel felt few fill final find fine finish first fit follow found free friend front full fun gave get
  getting give given go goes going gone good got great group grow guess half hand happen happened happening hard head hear heard
  held hello help here high hold home hope hour house huge idea important include inside instead interest keep kept kind knew
  know known large last late later least leave left less let life light like likely line list little live long look looking
  lose lost lot love low made main make making man many matter maybe mean meant might mind minute miss moment more morning
  most move moved moves moving much must name near nearly need never new next nice night nobody none normal nothing now number
  off often old older once open order others outside over own part pass past people perhaps person pick picking picked place
  plan play point possible pretty probably problem pull pulls pulled put quite rather read ready real really reason remember
  rest right room round run said same saw say saying says second see seem seems seen send sent set several short show side
  simple since small someone something sometimes soon sort speak stand start started stay still stop story stuff such suppose
  sure take taken talk tell thing think thought through time today together told tonight too took top toward tried true try
  trying turn under understand until upon use used usual usually very wait walk want wanted watch week weeks well went what
  whole whose wide will win wish within without woman won wonder word work worked worry worried worse would write wrong year
  years yes yet young yr yrs saved save anyway among roles role rep reps
  according accordingly count counted counts counting regard regarded regarding considered consider counts treated treat
  mention mentioned mentions describe described explain explained state stated states cover covered covers apply applies
  applied require required requires expect expected allow allowed involve involved include included includes happen happens
  seem seemed appear appeared mean means suppose supposed basically generally usually exactly currently recently latest
  recent current previous particular specific general overall certain whether anybody somebody everybody nowadays anymore
  actually apparently definitely probably possibly normally typically especially mainly mostly really quickly properly
  correct correctly officially formally informally etc stuff things somewhere anywhere elsewhere okay ok cheers thanks
  account accounts page pages link links`
    .split(/\s+/)
    .filter(Boolean),
);

const COMMON_STEMS = new Set([...COMMON_WORDS].map((w) => stem(w)));

/** An everyday word in any of its forms ("running" as well as "run"). */
export function isCommonWord(word: string): boolean {
  return COMMON_WORDS.has(word) || COMMON_STEMS.has(stem(word));
}
