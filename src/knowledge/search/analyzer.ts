// eslint-disable-next-line @typescript-eslint/no-require-imports
const snowball = require('snowball-stemmers') as { newStemmer(lang: string): { stem(w: string): string } };

const stemmer = snowball.newStemmer('english');
const cache = new Map<string, string>();

/** English stop words: too common to say anything about a passage. */
export const STOP_WORDS = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below between both but by
  can cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had hadn't has hasn't
  have haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into
  is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only or other ought our ours
  ourselves out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs
  them themselves then there there's these they they'd they'll they're they've this those through to too under until up very
  was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's
  with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves also s t via`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that shape a question but say nothing about its topic. */
export const QUESTION_WORDS = new Set(
  `please thanks thank hi hello hey tell know need want wondering wonder looking find get got give show explain anyone anybody
  someone somebody something anything everything somewhere anywhere thing things like just really actually still
  kind sort maybe quick question ask asking help mean means meant supposed go going gonna wanna let lets us info information
  exactly currently right sure ok okay pls plz cheers whats whos hows wheres whens etc lot lots bit able example examples eg
  theyre youre im ive dont doesnt didnt cant couldnt wont wouldnt isnt arent wasnt shouldnt hes shes weve youve theres thats`
    .split(/\s+/)
    .filter(Boolean),
);

export function stem(word: string): string {
  let s = cache.get(word);
  if (s === undefined) {
    // "-ism" nouns keep their ending: "extremism" is not "extremely", nor "racism" "race".
    s = /^\d/.test(word) ? word : /isms?$/.test(word) ? word.replace(/s$/, '') : stemmer.stem(word);
    if (cache.size < 200_000) cache.set(word, s);
  }
  return s;
}

/** The stem without remembering it (for one-off guesses such as spelling variants). */
export function stemUncached(word: string): string {
  return cache.get(word) ?? (/^\d/.test(word) ? word : /isms?$/.test(word) ? word.replace(/s$/, '') : stemmer.stem(word));
}

/** Lower-case word tokens, apostrophes and possessives folded, hyphenated words split into parts. */
export function words(text: string): string[] {
  const norm = text
    // Reviews name children by a letter ("Child T", "Baby A"): keep the name as one word, or the letter is lost.
    .replace(/\b([Cc]hild|[Bb]aby|[Ff]amily|[Ss]ibling) ([A-Z])\b(?![''’]\w)/g, '$1 $1$2')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/s'(?=\s|$)/g, 's')
    .replace(/&/g, ' and ')
    // "co-ordinator" and "coordinator" are one word however it is typed.
    .replace(/\bco-(?=[a-z])/g, 'co');
  return norm.match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

/** Index terms: stemmed words without stop words. */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOP_WORDS.has(w) || w.length > 40) continue;
    out.push(stem(w.replace(/'.*$/, '')));
  }
  return out;
}
