/**
 * Which course a message asking about training names, if any ("any self harm training coming up?" → Self-Harm &
 * Safeguarding), so the list of sessions it opens starts filtered to that course. Precision first: a course is
 * named only when the message has every one of its own words (those in at most two course names: "five" and
 * "thrive", not "five" alone), or its acronym ("LADO", "NSPCC"), or — for a name with no word of its own — every
 * word of its name. Words every training ask has ("training", "course", "session", "e-learning") never count.
 * Among the courses named, the one sharing the most weight of words wins (a word weighs by how few names use it);
 * a tie names none, and the whole list is shown. A wrong guess costs one tap (the card's filter), a missed one
 * nothing: "working together training" alone names nothing, the full name does.
 */
import { analyze } from '../knowledge/search/analyzer';
import { AMBIGUOUS_ACRONYMS, GLOSSARY_ACRONYMS } from '../knowledge/search/glossary';
import type { Course } from './training.types';

/** A word in more course names than this is not a course's own. */
const OWN_IN_AT_MOST = 2;
/** Only the start of a long message is read (a course is named near the ask, and the work stays bounded). */
const MAX_CHARS = 2000;
/** What every training ask and many course names say: never what names a course. */
const TRAINING_WORDS = new Set(analyze('training trainings course courses session sessions learning e-learning'));

const termsOf = (text: string) => analyze(text).filter((t) => !TRAINING_WORDS.has(t));

/** The message's stems, with the glossary's acronyms ("CSE", "LADO") also read as their words. */
function stemsOf(text: string): Set<string> {
  const head = text.slice(0, MAX_CHARS);
  const out = new Set(termsOf(head));
  for (const raw of head.toLowerCase().match(/[a-z]+/g) ?? []) {
    const expansion = GLOSSARY_ACRONYMS[raw];
    if (expansion && !AMBIGUOUS_ACRONYMS.has(raw)) for (const w of termsOf(expansion)) out.add(w);
  }
  return out;
}

export function courseNamedIn(message: string, courses: Pick<Course, 'id' | 'name'>[]): string | undefined {
  if (!courses.length) return undefined;
  const names = courses.map((c) => new Set(termsOf(c.name)));
  const df = new Map<string, number>();
  for (const n of names) for (const t of n) df.set(t, (df.get(t) ?? 0) + 1);
  const weight = (t: string) => Math.log((courses.length + 1) / (df.get(t) ?? 1));
  const asked = stemsOf(message);
  const scored = names.map((n, i) => {
    const own = [...n].filter((t) => (df.get(t) ?? 1) <= OWN_IN_AT_MOST);
    const acronyms = (courses[i].name.match(/\b[A-Z]{2,}\b/g) ?? []).flatMap((a) => termsOf(a));
    const named = n.size > 0 && (acronyms.some((a) => asked.has(a)) || (own.length ? own : [...n]).every((t) => asked.has(t)));
    const score = [...n].filter((t) => asked.has(t)).reduce((a, t) => a + weight(t), 0);
    return { id: courses[i].id, score: named ? score : 0 };
  });
  scored.sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best || best.score <= 0) return undefined;
  if (second && second.score >= best.score - 1e-9) return undefined;
  return best.id;
}
