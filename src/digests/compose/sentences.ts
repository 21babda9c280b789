/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATION = /(?:\b(?:e\.g|i\.e|etc|approx|incl|dept|tel|no|nos|st|dr|mr|mrs|ms|prof|rev|vs|cf|fig|ref|ltd|co|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.|\b[A-Z]\.)$/i;

/** Sentences of a paragraph, keeping "e.g.", "Dr." and initials inside their sentence. */
export function splitSentences(text: string): string[] {
  const pieces = text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?]["”’)]?)\s+(?=["“‘(\[]?[A-Z0-9£])/);
  const out: string[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    if (prev !== undefined && ABBREVIATION.test(prev)) out[out.length - 1] = `${prev} ${p}`;
    else if (p.trim()) out.push(p.trim());
  }
  return out;
}

/** Cuts at a word boundary, with an ellipsis, keeping at most `max` characters. */
export function clamp(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}
