import { analyze } from './analyzer';
import { GLOSSARY_ACRONYMS } from './glossary';

const MINOR = new Set(['and', 'of', 'for', 'the', 'in', 'on', 'to', 'at', 'with', 'by', '&']);

/**
 * Learns "Expansion Words (ACR)" pairs from passages: the capitals of the acronym must match the
 * initials of the words before the bracket (minor words may be skipped).
 */
export function learnAcronyms(texts: Iterable<string>): Map<string, string> {
  const found = new Map<string, string>();
  const re = /\(([A-Z][A-Za-z&]{1,9})\)/g;
  for (const text of texts) {
    for (const m of text.matchAll(re)) {
      const acr = m[1];
      const letters = acr.replace(/[^A-Za-z]/g, '').replace(/[a-z]/g, '');
      if (letters.length < 2) continue;
      const before = text.slice(Math.max(0, m.index! - 120), m.index).split(/\s+/).filter(Boolean);
      const expansion = matchInitials(before, letters.toLowerCase());
      if (expansion) {
        const key = acr.toLowerCase().replace(/[^a-z]/g, '');
        if (!found.has(key)) found.set(key, expansion.toLowerCase());
      }
    }
  }
  return found;
}

function matchInitials(wordsBefore: string[], letters: string): string | undefined {
  const ws = wordsBefore.slice(-14).map((w) => w.replace(/^[^A-Za-z&]+|[^A-Za-z&-]+$/g, ''));
  // Walk backwards from the bracket; a minor word may stand for a letter or be skipped, and a
  // hyphenated word may stand for several letters ("Multi-agency" → MA).
  const walk = (i: number, li: number, started: boolean): number | undefined => {
    if (li < 0) return i + 1;
    if (i < 0) return undefined;
    const w = ws[i];
    if (!w) return undefined;
    const minor = MINOR.has(w.toLowerCase());
    const parts = w.split('-').filter(Boolean);
    let ok = parts.length > 0;
    let l = li;
    for (let p = parts.length - 1; p >= 0 && ok; p--) {
      if (l < 0 || parts[p][0].toLowerCase() !== letters[l]) ok = false;
      else l--;
    }
    if (ok) {
      const r = walk(i - 1, l, true);
      if (r !== undefined) return r;
    }
    if (minor && started) return walk(i - 1, li, true);
    return undefined;
  };
  const from = walk(ws.length - 1, letters.length - 1, false);
  return from === undefined ? undefined : ws.slice(from).join(' ');
}

export interface AcronymTable {
  /** acronym → expansion stems */
  expansions: Map<string, string[]>;
}

/** Glossary plus learned pairs, each expansion as its analyzed (stemmed) terms. */
export function buildAcronymTable(learned: Map<string, string>): AcronymTable {
  const expansions = new Map<string, string[]>();
  for (const [acr, exp] of Object.entries(GLOSSARY_ACRONYMS)) expansions.set(acr, analyze(exp));
  for (const [acr, exp] of learned) if (!expansions.has(acr)) expansions.set(acr, analyze(exp));
  for (const [acr, terms] of expansions) if (terms.length < 2) expansions.delete(acr);
  return { expansions };
}
