/**
 * What kind of fact a question asks for (a person, a number, a date, a contact…) and what kinds of fact a
 * passage holds. Both are features of the learned ranker and answerability models: whether a passage that
 * shares the question's words also gives the kind of fact asked for is most of what separates an answer
 * from a near miss ("what's the NSPCC helpline number?" against a passage that only mentions the NSPCC).
 */

export const FACT_TYPES = ['person', 'number', 'date', 'frequency', 'duration', 'phone', 'email', 'link', 'place', 'list'] as const;
export type FactType = (typeof FACT_TYPES)[number];

/** Question words of each kind (matched on unstemmed lower-case tokens, as consecutive words). */
const ASKS: Record<FactType, string[]> = {
  person: ['who', 'whom', 'whose', 'name of', 'named', 'chair', 'chairs', 'leads', 'lead', 'head of', 'in charge'],
  number: ['how many', 'how much', 'number of', 'percentage', 'proportion', 'per cent', 'percent', 'figure', 'figures', 'stats', 'statistics', 'total'],
  date: ['when', 'what date', 'which date', 'what year', 'which year', 'what month', 'deadline', 'due', 'next meeting', 'since when'],
  frequency: ['how often', 'how frequently', 'how regularly', 'every', 'once a', 'twice a', 'monthly', 'quarterly', 'weekly', 'annually', 'yearly'],
  duration: ['how long', 'how many weeks', 'how many days', 'how many months', 'how many hours', 'notice', 'timescale', 'timescales', 'within'],
  phone: ['phone', 'telephone', 'tel', 'number for', 'number to ring', 'number to call', 'helpline', 'ring', 'call', 'contact number', 'mobile'],
  email: ['email', 'e mail', 'inbox', 'email address'],
  link: ['website', 'link', 'url', 'web page', 'webpage', 'online form', 'download'],
  place: ['where', 'which venue', 'address', 'location', 'located'],
  list: ['what are the', 'which are the', 'list', 'all the', 'who are the', 'members', 'priorities', 'examples'],
};

const PHRASES: { type: FactType; words: string[] }[] = FACT_TYPES.flatMap((t) => ASKS[t].map((p) => ({ type: t, words: p.split(' ') })));

/** Question words that ask only when they open a clause ("when is…?", not "…when toddlers visit"). */
const INTERROGATIVE = new Set(['who', 'whom', 'whose', 'when', 'where']);
const OPENERS = new Set(['and', 'but', 'so', 'then', 'or', 'also', 'ok', 'okay', 'plus']);

/** The kinds of fact the question asks for (a question may ask for several). */
export function factTypesAsked(question: string): Set<FactType> {
  const out = new Set<FactType>();
  for (const sentence of question.toLowerCase().split(/[.?!;\n]+/)) {
    const tokens = sentence.replace(/['’]s\b/g, ' is').match(/[a-z0-9]+/g) ?? [];
    for (let i = 0; i < tokens.length; i++) {
      const opensClause = i === 0 || OPENERS.has(tokens[i - 1]) || (i === 1 && /^(?:hi|hello|hey|pls|please|quick)$/.test(tokens[0] ?? ''));
      for (const p of PHRASES) {
        if (!p.words.every((w, k) => tokens[i + k] === w)) continue;
        if (INTERROGATIVE.has(p.words[0]) && !opensClause) continue;
        out.add(p.type);
      }
    }
  }
  return out;
}

const HOLDS: Record<FactType, RegExp> = {
  person: /\b[A-Z][a-z]+ [A-Z][a-z]+\b|\b(?:Chair|Chief|Director|Manager|Officer|Lead|Head|Nurse|Superintendent|Inspector|Scrutineer|Co-?ordinator|Executive)\b/,
  number: /\b\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand)\b/i,
  date: /\b(?:19|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b/,
  frequency: /\b(?:daily|weekly|fortnightly|monthly|bi-monthly|quarterly|annually|annual|yearly|biennial|every|once|twice|times a|times per|rotating|regular(?:ly)?)\b/i,
  duration: /\b(?:\d+|an?|one|two|three|four|five|six|few)\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\b/i,
  phone: /(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\b(?:999|111)\b/,
  email: /[\w.+-]+@[\w-]+\.[\w.-]+/,
  link: /https?:\/\/|www\.|\b[\w-]+\.(?:gov|org|co|com|nhs)\.?(?:uk)?\b/i,
  place: /\b(?:[A-Z][a-z]+ (?:Road|Street|House|Centre|Center|Hall|Museum|Church|Library|Hospital)|locations?|venues?|based at|held at|such as)\b/,
  list: /\n- |:\s*\n|\b(?:including|include|namely|are:)\b/i,
};

/** Whether a piece of text holds a fact of this kind. */
export function holds(type: FactType, text: string): boolean {
  return HOLDS[type].test(text);
}

/** The kinds of fact a piece of text holds. */
export function factTypesHeld(text: string): Set<FactType> {
  const out = new Set<FactType>();
  for (const t of FACT_TYPES) if (HOLDS[t].test(text)) out.add(t);
  return out;
}
