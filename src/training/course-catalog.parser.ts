import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Course } from './training.types';

export type SeedCourse = Pick<Course, 'id' | 'name' | 'kind' | 'source' | 'attendance'>;

/** Stable, key-safe id from a course name ("Management of Allegations (LADO)" → "management-of-allegations-lado"). */
export function courseId(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[–—]/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

const kindOf = (name: string): Course['kind'] => (/e-?learning/i.test(name) ? 'e-learning' : 'course');

/**
 * The annual report's attendance table: the lines after "annual attendance for each session" up to the
 * first blank line, each "Course name<TAB>number"; then its "Learning Events:" list (one name a line
 * between blank lines, up to the attendance total).
 */
export function parseAnnualReport(text: string, source: string): SeedCourse[] {
  const lines = text.split(/\r?\n/);
  const out: SeedCourse[] = [];
  const start = lines.findIndex((l) => /annual attendance for each session/i.test(l));
  if (start >= 0) {
    for (let i = start + 1; i < lines.length; i++) {
      const l = lines[i].trim();
      if (!l) {
        if (out.length) break;
        continue;
      }
      const m = /^(.+?)\s*\t\s*(\d[\d,]*)$/.exec(lines[i].trim()) ?? /^(.+?)\s{2,}(\d[\d,]*)$/.exec(l);
      if (!m) break;
      const name = m[1].trim();
      out.push({ id: courseId(name), name, kind: kindOf(name), source, attendance: Number(m[2].replace(/,/g, '')) });
    }
  }
  const ev = lines.findIndex((l) => /^\s*Learning Events:\s*$/i.test(l));
  if (ev >= 0) {
    for (let i = ev + 1; i < lines.length; i++) {
      const l = lines[i].trim();
      if (!l) continue;
      // The list ends at the first sentence (the attendance total that follows it).
      if (/[.!:]$/.test(l) || l.split(/\s+/).length > 8 || /practitioners|attended|organised/i.test(l)) {
        if (/organised|hosted/i.test(l)) continue; // the list's own introduction
        break;
      }
      out.push({ id: courseId(l), name: l, kind: 'learning event', source });
    }
  }
  return out;
}

/** A newsletter's "upcoming training and learning events, including:" bullet list. */
export function parseNewsletterList(text: string, source: string): SeedCourse[] {
  const lines = text.split(/\r?\n/);
  const out: SeedCourse[] = [];
  const start = lines.findIndex((l) => /(training|learning events?)[^.]*including:\s*$/i.test(l));
  if (start < 0) return out;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^\s*[-•*]\s+(.+?)\s*$/.exec(lines[i]);
    if (!m) break;
    out.push({ id: courseId(m[1]), name: m[1], kind: kindOf(m[1]), source });
  }
  return out;
}

/**
 * A newsletter paragraph announcing an e-learning course ("… e-learning opportunity to enhance your
 * knowledge on Reducing Parental Conflict."): named "<Topic> E-Learning" like the annual report does.
 */
export function parseNewsletterElearning(text: string, source: string): SeedCourse[] {
  const out: SeedCourse[] = [];
  for (const m of text.matchAll(/e-learning (?:opportunity|course|module)[^.]*?\b(?:knowledge )?on ([A-Z][A-Za-z&' ]+?)\./g)) {
    const name = `${m[1].trim()} E-Learning`;
    out.push({ id: courseId(name), name, kind: 'e-learning', source });
  }
  return out;
}

/**
 * Reads the course names from the bundled documents in `guidanceDir` (annual report first, so its names
 * and attendance win when a newsletter mentions the same course). Missing files are skipped.
 */
export function readSeedCourses(guidanceDir: string): SeedCourse[] {
  let files: string[] = [];
  try {
    files = fs.readdirSync(guidanceDir).filter((f) => f.endsWith('.txt')).sort();
  } catch {
    return [];
  }
  const reports = files.filter((f) => /annual-report/i.test(f));
  const newsletters = files.filter((f) => /newsletter/i.test(f) && !/lscb/i.test(f));
  const all: SeedCourse[] = [];
  for (const f of reports) all.push(...parseAnnualReport(fs.readFileSync(path.join(guidanceDir, f), 'utf8'), f));
  for (const f of newsletters) {
    const text = fs.readFileSync(path.join(guidanceDir, f), 'utf8');
    all.push(...parseNewsletterList(text, f), ...parseNewsletterElearning(text, f));
  }
  const byId = new Map<string, SeedCourse>();
  for (const c of all) if (!byId.has(c.id)) byId.set(c.id, c);
  return [...byId.values()];
}
