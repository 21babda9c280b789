import { analyze, QUESTION_WORDS, STOP_WORDS, stem, words } from './analyzer';
import { AMBIGUOUS_ACRONYMS, SYNONYM_GROUPS } from './glossary';
import type { AcronymTable } from './acronyms';

/** One alternative way of matching a concept: a term sequence and how much a match counts. */
export interface Alternative {
  terms: string[];
  weight: number;
}

/** One thing the question asks about; matched by its best alternative. */
export interface Concept {
  /** The words as the user wrote them (for coverage messages). */
  surface: string;
  alternatives: Alternative[];
  /** true when the concept came from the user's own words, false for acronym expansions. */
  primary: boolean;
}

export type AnswerType = 'number' | 'frequency' | 'duration' | 'date' | 'person' | 'place';

export interface AnalyzedQuery {
  /** The kind of answer the wording asks for ("how often" → frequency), when it is clear. */
  answerType?: AnswerType;
  concepts: Concept[];
  /** Stemmed terms of the question in order (stop words removed), for phrase proximity. */
  sequence: string[];
  /** The question asks for a phone number, an email address or a postal/web address. */
  wantsContact?: 'phone' | 'email' | 'address';
  /**
   * The question asks for a length of time ("how many weeks' notice", "how long", "notice period");
   * `unit` when it names one. An answer must then show a duration in a fitting unit.
   */
  wantsDuration?: { unit?: DurationUnit; since?: boolean };
  /** Acronyms and names the user typed in capitals ("KCSIE", "LADO"): what the question is about. */
  entities: string[];
  /**
   * A named publication with a year ("KCSIE 2025", "Working Together 2023"): the stemmed name (and the
   * last word of an acronym's expansion) and the year. The guidance must speak of that edition.
   */
  editions: { names: string[]; year: string }[];
  /** Another kind of fact a passage must show to answer: an age ("what age can…"), a cost ("how much does … cost"). */
  wantsFact?: 'age' | 'cost' | 'rating';
  /** Numbered legal sections the question names ("section 47", "s17"): the passages must name them too. */
  sections: string[];
}

export const DURATION_UNITS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

interface SynonymPhrase {
  words: string[];
  group: number;
}

const SYNONYM_PHRASES: SynonymPhrase[] = SYNONYM_GROUPS.flatMap((g, group) =>
  g.map((p) => ({ words: words(p), group })).filter((p) => p.words.length > 0),
).sort((a, b) => b.words.length - a.words.length);

const GROUP_TERMS: Alternative[][] = SYNONYM_GROUPS.map((g) => {
  const seen = new Set<string>();
  const alts: Alternative[] = [];
  for (const p of g) {
    const terms = analyze(p);
    const key = terms.join(' ');
    if (terms.length === 0 || seen.has(key)) continue;
    seen.add(key);
    alts.push({ terms, weight: 0.55 });
  }
  return alts;
});

const PHONE_ASK =
  /\b(?:phone|telephone|tel|mobile|contact details?|(?:helpline|phone|contact|team|duty|line|office|direct|emergency) (?:phone )?number|number (?:for|to call|to ring|of the))\b|\b(?:what(?:'s| is)|give me|need|got) (?:the |their |a |an )?(?:[\w'-]+ ){0,4}number\s*\??\s*$/i;
const EMAIL_ASK = /\be-?mail(?: address)?\b/i;
const ADDRESS_ASK = /\b(?:postal address|postcode|web ?site address|address of)\b/i;

function contactAsk(q: string): AnalyzedQuery['wantsContact'] {
  if (PHONE_ASK.test(q)) return 'phone';
  if (EMAIL_ASK.test(q) && /\b(?:what|which|who|give|send|need|is there)\b/i.test(q)) return 'email';
  if (ADDRESS_ASK.test(q)) return 'address';
  return undefined;
}

/**
 * Turns a question into concepts: its content words (stop words and question filler removed), each
 * with alternatives from the synonym groups and acronym table, multi-word phrases kept together.
 */
export function analyzeQuery(question: string, acronyms: AcronymTable): AnalyzedQuery {
  const raw = question.replace(/[’‘]/g, "'");
  const upperTokens = new Set((raw.match(/\b[A-Z][A-Za-z]*[A-Z]s?\b|\b[A-Z]{2,}s?\b/g) ?? []).map((t) => t.toLowerCase()));
  const ws = words(raw);
  const used = new Array<boolean>(ws.length).fill(false);
  // "HV here – …", "I'm a teacher, …": who is asking is not what they ask about, so those words may
  // help ranking but a passage need not cover them.
  const intro = ROLE_INTRO.exec(raw);
  const introWords = intro ? words(intro[0]).length : 0;
  const concepts: Concept[] = [];

  // Multi-word synonym phrases first ("levels of need", "young people").
  for (const p of SYNONYM_PHRASES) {
    if (p.words.length < 2) continue;
    for (let i = 0; i + p.words.length <= ws.length; i++) {
      if (used.slice(i, i + p.words.length).some(Boolean)) continue;
      if (p.words.every((w, k) => ws[i + k] === w)) {
        for (let k = 0; k < p.words.length; k++) used[i + k] = true;
        const own = analyze(p.words.join(' '));
        // A phrase in several groups ("social media": Twitter/X, Facebook, Instagram) takes all their words.
        const groups = SYNONYM_PHRASES.filter((x) => x.words.join(' ') === p.words.join(' ')).map((x) => x.group);
        const alternatives: Alternative[] = [{ terms: own, weight: 1 }];
        for (const g of groups) for (const a of GROUP_TERMS[g]) if (!alternatives.some((x) => x.terms.join(' ') === a.terms.join(' '))) alternatives.push(a);
        concepts.push({ surface: p.words.join(' '), alternatives, primary: i >= introWords });
      }
    }
  }

  ws.forEach((w, i) => {
    if (used[i] || STOP_WORDS.has(w) || QUESTION_WORDS.has(w)) return;
    const base = w.replace(/'.*$/, '');
    const term = stem(base);
    const alternatives: Alternative[] = [{ terms: [term], weight: 1 }];
    const acrKey = base.replace(/s$/, '');
    const acr = acronyms.expansions.get(base) ?? acronyms.expansions.get(acrKey);
    const isAcronym = acr && (!AMBIGUOUS_ACRONYMS.has(base) && !AMBIGUOUS_ACRONYMS.has(acrKey) ? true : upperTokens.has(w) || upperTokens.has(`${w}s`));
    if (isAcronym && acr) {
      const key = acronyms.expansions.has(base) ? base : acrKey;
      alternatives[0] = { terms: [stem(key)], weight: 1 };
      alternatives.push({ terms: acr, weight: 0.9 });
    } else if (AMBIGUOUS_ACRONYMS.has(base) && !upperTokens.has(w) && STOP_LIKE.has(base)) {
      return;
    }
    // By the word, else by a plain inflection of it ("pays" finds the group that lists "pay"); not by the
    // stem alone, which would make an "annual report" a question of how often.
    // "seven golden rules" / "7 golden rules": a count written either way.
    const count = NUMBER_WORDS.get(base);
    if (count) alternatives.push({ terms: [count], weight: 1 });
    const group =
      SYNONYM_PHRASES.find((p) => p.words.length === 1 && (p.words[0] === w || p.words[0] === base)) ??
      SYNONYM_PHRASES.find((p) => p.words.length === 1 && inflectionOf(base, p.words[0]));
    if (group) for (const a of GROUP_TERMS[group.group]) if (!alternatives.some((x) => x.terms.join(' ') === a.terms.join(' '))) alternatives.push(a);
    concepts.push({ surface: w, alternatives, primary: i >= introWords });
  });

  // Expansion phrases written out in full also match the acronym the guidance may use instead.
  const stems = analyze(raw);
  for (const [acr, exp] of acronyms.expansions) {
    if (exp.length < 2) continue;
    for (let i = 0; i + exp.length <= stems.length; i++) {
      if (exp.every((t, k) => stems[i + k] === t)) {
        concepts.push({ surface: acr.toUpperCase(), alternatives: [{ terms: [stem(acr)], weight: 0.6 }], primary: false });
        break;
      }
    }
  }

  // "health visitors" ↔ "health visiting": another form of the same words is nearly the words themselves,
  // not a looser synonym.
  for (const c of concepts) {
    const own = c.alternatives[0].terms;
    // …and so is the written-out word for an everyday short form ("cov" → Coventry).
    c.alternatives = c.alternatives.map((a, k) =>
      k > 0 && a.weight < VARIANT_WEIGHT && (sameWordsOtherForm(own, a.terms) || (own.length === 1 && SHORT_FOR[own[0]] === a.terms.join(' ')))
        ? { ...a, weight: VARIANT_WEIGHT }
        : a,
    );
  }
  // "how many", "once a month?": words naming the kind of answer wanted are not a topic the passage must cover.
  const answerType = answerTypeOf(raw);
  if (answerType) {
    for (const c of concepts) {
      if (!ANSWER_TYPE_TERMS[answerType].has(c.alternatives[0].terms.join(' '))) continue;
      c.primary = false;
      // "once a month" may be answered "quarterly"; a bare "monthly?" still prefers the passage that says so.
      if (c.surface.includes(' ')) c.alternatives[0] = { ...c.alternatives[0], weight: 0.55 };
    }
  }
  // "used", "come out": everyday verbs whose meaning the guidance states in other words ("accessed",
  // "sent out") count no more than those words.
  for (const c of concepts) if (VAGUE_VERBS.has(c.alternatives[0].terms.join(' ')) && c.alternatives.length > 1) c.alternatives[0] = { ...c.alternatives[0], weight: 0.55 };
  // "last year", "this year": the period asked about is the report's own, not a topic to cover.
  for (const c of concepts) if (TIME_FRAMES.has(c.surface)) c.primary = false;

  const sequence = ws.filter((w) => !STOP_WORDS.has(w) && !QUESTION_WORDS.has(w)).map((w) => stem(w.replace(/'.*$/, '')));
  return {
    concepts: dedupe(concepts),
    sequence,
    answerType,
    wantsContact: contactAsk(raw),
    wantsDuration: durationAsk(raw),
    entities: typedEntities(raw),
    editions: editionsAsked(raw, acronyms),
    wantsFact: factAsk(raw),
    sections: [...raw.matchAll(/\bsection\s+(\d{1,3})\b|\b[sS]\.?(\d{1,3})\b/gi)].map((m) => m[1] ?? m[2]),
  };
}

const ROLES =
  "hv|health visitors?|sw|social workers?|student social worker|teachers?|class teacher|head ?teacher|deputy head|dsl|deputy dsl|gp|nurse|school nurse|midwife|police officer|pc|officer|youth worker|family support worker|practitioner|senco|childminder|paramedic|foster carer|early years worker|support worker";
/** A greeting and the asker's role at the start, set off by "here"/"asking" or punctuation. */
const ROLE_INTRO = new RegExp(
  `^\\s*(?:(?:hi|hello|hey|morning|afternoon)\\b[\\s,!.]*)?(?:(?:i'?m|i am) (?:an? |the )?)?(?:${ROLES})(?:\\s+(?:here|asking|speaking)\\b\\s*[-–—:,.!]*|\\s*[-–—:,!]+)\\s*`,
  'i',
);

const NUMBER_NAMES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
/** A count in words ↔ in digits. */
const NUMBER_WORDS = new Map<string, string>(
  NUMBER_NAMES.flatMap((n, i) => [[n, String(i + 1)] as [string, string], [String(i + 1), n] as [string, string]]),
);

/** `word` is `root` with a plural, past or -ing ending (or the reverse for a plural root). */
function inflectionOf(word: string, root: string): boolean {
  if (root.length < 3 || word === root) return false;
  return /^(?:s|es|ed|d|ing)$/.test(word.startsWith(root) ? word.slice(root.length) : '') || root === `${word}s`;
}

/** Ambiguous acronyms that are plain verbs/words when lower-case and carry no topic ("send me"). */
const STOP_LIKE = new Set(['send', 'ed', 'ap', 'wt', 'omg']);

function dedupe(concepts: Concept[]): Concept[] {
  const seen = new Set<string>();
  return concepts.filter((c) => {
    const key = c.alternatives[0].terms.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const UNIT_WORD = '(minute|hour|day|week|month|year)s?';

function durationAsk(q: string): AnalyzedQuery['wantsDuration'] {
  const s = q.toLowerCase();
  const unit = new RegExp(`\\bhow many (?:working |calendar |clear )?${UNIT_WORD}\\b|\\b(?:number of|within|after) (?:how many )?${UNIT_WORD}\\b`).exec(s);
  if (unit) return { unit: (unit[1] ?? unit[2]) as DurationUnit };
  // "How long has it been running": a start date answers it as well as a length of time.
  if (/\bhow long (?:has|have|had)\b|\bsince when\b/.test(s)) return { since: true };
  if (/\bhow long\b|\bnotice period\b|\bhow much notice\b|\b(?:time ?limit|time ?scale|timescale|deadline) for\b/.test(s)) return {};
  return undefined;
}

const NOT_A_TITLE = /^(?:january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|autumn|winter|since|in|of|from|until|before|after|during|year|the|and|or|to|by|for)$/i;

function factAsk(q: string): AnalyzedQuery['wantsFact'] {
  const s = q.toLowerCase();
  if (/\b(?:what|which|minimum|maximum|legal|right|youngest|oldest) age\b|\bhow old\b|\bage limit\b/.test(s)) return 'age';
  if (/\b(?:ofsted|inspection) (?:rating|grade|judgement)s?\b|\b(?:rating|ratings|grade|grades)\b|\bhow (?:is|are|was|were) [\w\s]{1,40}\b(?:rated|graded|judged)\b/.test(s)) return 'rating';
  if (/\bhow much (?:does|do|is|are|will|would)\b[^?]*\b(?:cost|charge|pay)\b|\b(?:cost|price|fee|charge) (?:of|for)\b|\bis (?:it|there a) (?:free|charge|fee)\b/.test(s)) return 'cost';
  return undefined;
}

function editionsAsked(q: string, acronyms: AcronymTable): AnalyzedQuery['editions'] {
  const out: AnalyzedQuery['editions'] = [];
  // "KCSIE 2025", "Working Together 2018" and "the 2023 JTAI".
  const pairs = [
    ...[...q.matchAll(/\b([A-Za-z][A-Za-z-]*)\s+((?:19|20)\d\d)\b(?!\s*[-/–]\s*\d)/g)].map((m) => [m[1], m[2]] as const),
    ...[...q.matchAll(/(?<![-/–]\s*)\b((?:19|20)\d\d)\s+([A-Z][A-Za-z-]*)\b/g)].map((m) => [m[2], m[1]] as const),
  ];
  for (const [word, year] of pairs) {
    if (NOT_A_TITLE.test(word)) continue;
    const lower = word.toLowerCase();
    const expansion = acronyms.expansions.get(lower);
    // A publication's name is written with a capital or is a known acronym ("kcsie 2025").
    if (!/^[A-Z]/.test(word) && !expansion) continue;
    const names = [stem(lower)];
    if (expansion) names.push(expansion[expansion.length - 1]);
    out.push({ names, year });
  }
  return out;
}

/** Tokens typed in capitals (2+ letters, an optional plural s), unless the whole message is shouted. */
function typedEntities(q: string): string[] {
  const tokens = q.match(/\b[A-Za-z][A-Za-z]*\b/g) ?? [];
  const caps = tokens.filter((t) => /^[A-Z]{2,}s?$/.test(t) && !/^(?:I|OK|UK|AM|PM)$/.test(t));
  if (caps.length > tokens.length / 2) return [];
  return [...new Set(caps.map((t) => t.replace(/s$/, '').toLowerCase()))];
}

const VARIANT_WEIGHT = 0.9;
/** Everyday short forms (stemmed) of the word the guidance writes out: "cov" is Coventry as well as "Child Friendly Cov". */
const SHORT_FOR: Record<string, string> = { cov: 'coventri' };
/** Same number of words, each the same stem or one a longer form of the other ("visitor"/"visit"). */
function sameWordsOtherForm(a: string[], b: string[]): boolean {
  if (a.length !== b.length || a.join(' ') === b.join(' ')) return false;
  return a.every((t, i) => t === b[i] || (Math.min(t.length, b[i].length) >= 4 && (t.startsWith(b[i]) || b[i].startsWith(t))));
}

const VAGUE_VERBS = new Set(['use', 'come', 'go', 'get', 'take', 'make']);
const TIME_FRAMES = new Set(['last year', 'past year', 'this year', 'last yr', 'this yr', 'over the year', 'last 12 months', 'past 12 months']);

/** Stemmed words (or a how-often phrase's first term) that only say what kind of answer is wanted. */
const ANSWER_TYPE_TERMS: Record<AnswerType, Set<string>> = {
  number: new Set(['mani', 'much', 'number', 'percentag', 'proport']),
  frequency: new Set(['often', 'frequent', 'regular', 'month', 'week', 'year', 'quarter', 'term', 'fortnight', 'day']),
  duration: new Set(['long']),
  date: new Set(),
  person: new Set(),
  place: new Set(),
};

function answerTypeOf(q: string): AnswerType | undefined {
  const s = q.toLowerCase();
  // "Do they meet twice a year?" asks how often as much as "how often do they meet?".
  if (/\bhow (?:often|frequently|regularly)\b|\b(?:once|twice|\w+ times) (?:a|per|each|every) (?:day|week|fortnight|month|quarter|term|year)\b|\b(?:weekly|fortnightly|monthly|quarterly|annually|yearly)\b/.test(s)) return 'frequency';
  if (/\bhow long\b/.test(s) || new RegExp(`\\bhow many (?:working |calendar |clear )?${UNIT_WORD}\\b`).test(s)) return 'duration';
  if (/\bhow (?:many|much)\b|\bwhat (?:percentage|proportion|share|number)\b|\bnumber of\b/.test(s)) return 'number';
  if (/\bwhen\b|\bwhat (?:date|year|month)\b/.test(s)) return 'date';
  if (/\bwho\b/.test(s)) return 'person';
  if (/\bwhere (?:are|is|'s|did|do|does)\b(?! (?:i|we|you) (?:find|get|go to (?:find|get)))|\bwhere's\b/.test(s)) return 'place';
  return undefined;
}
