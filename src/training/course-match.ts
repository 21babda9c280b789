/**
 * Which course a message asking about training names, if any ("any self harm training coming up?" → Self-Harm &
 * Safeguarding), so the list of sessions it opens starts filtered to that course. A word counts by how few course
 * names use it (a word in one name says more than "safeguarding", in four); a name is named when the message has
 * half the weight of its own words (those in at most two names) or its acronym. A tie, or only common words, names
 * none, and the whole list is shown. (A wrong guess costs one tap: the card's course filter is still there. Words
 * common in messages but rare among course names do guess wrong: "courses for people who work with children" is
 * read as Working Together to Safeguard Children.)
 */
import { analyze } from '../knowledge/search/analyzer';
import { AMBIGUOUS_ACRONYMS, GLOSSARY_ACRONYMS } from '../knowledge/search/glossary';
import type { Course } from './training.types';

/** A word in more course names than this does not name a course on its own. */
const DISTINCTIVE_IN_AT_MOST = 2;
/** Only the start of a long message is read (a course is named near the ask, and the work stays bounded). */
const MAX_CHARS = 2000;

/** The message's stems, with the glossary's acronyms ("CSE", "LADO") also read as their words. */
function stemsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of analyze(text.slice(0, MAX_CHARS))) out.add(w);
  for (const raw of text.slice(0, MAX_CHARS).toLowerCase().match(/[a-z]+/g) ?? []) {
    const expansion = GLOSSARY_ACRONYMS[raw];
    if (expansion && !AMBIGUOUS_ACRONYMS.has(raw)) for (const w of analyze(expansion)) out.add(w);
  }
  return out;
}

export function courseNamedIn(message: string, courses: Pick<Course, 'id' | 'name'>[]): string | undefined {
  if (!courses.length) return undefined;
  const names = courses.map((c) => new Set(analyze(c.name)));
  const df = new Map<string, number>();
  for (const n of names) for (const t of n) df.set(t, (df.get(t) ?? 0) + 1);
  const weight = (t: string) => Math.log((courses.length + 1) / (df.get(t) ?? 1));
  const asked = stemsOf(message);
  const scored = names.map((n, i) => {
    // The name's own words: those in at most two names. An acronym in it ("LADO", "NSPCC") names it alone;
    // otherwise the message must carry at least half of their weight ("work" alone is not "Working Together").
    const own = [...n].filter((t) => (df.get(t) ?? 1) <= DISTINCTIVE_IN_AT_MOST);
    const acronyms = (courses[i].name.match(/\b[A-Z]{2,}\b/g) ?? []).map((a) => analyze(a)[0]).filter(Boolean);
    const total = own.reduce((a, t) => a + weight(t), 0);
    const covered = own.filter((t) => asked.has(t)).reduce((a, t) => a + weight(t), 0);
    const names = acronyms.some((a) => asked.has(a)) || (total > 0 && covered >= total / 2);
    const score = [...n].filter((t) => asked.has(t)).reduce((a, t) => a + weight(t), 0);
    return { id: courses[i].id, score: names ? score : 0 };
  });
  scored.sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best || best.score <= 0) return undefined;
  if (second && second.score >= best.score - 1e-9) return undefined;
  return best.id;
}
