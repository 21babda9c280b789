/** The longest question searched; longer messages are answered from their first part. */
export const MAX_QUESTION_CHARS = 600;

export type InputProblem = 'empty' | 'no-words' | 'not-english';

export interface GuardedInput {
  /** Text to search (markup stripped, first part only when long). */
  question: string;
  truncated: boolean;
  problem?: InputProblem;
}

const FOREIGN_STOP = new Set(
  `el la los las del que y en por para con una est les des et une dans pour pas qui sur der die das und ist nicht ein eine mit auf ich sie wie czy jest nie się na do że ale jak o para com não uma os um ce și nu cu pe sunt il di che non per della sono och att det är som jag`.split(/\s+/),
);
const ENGLISH_HINT = new Set(
  `the a an is are what who where when how why do does can i my to of in on for with and or about there any our we you this that it be have has was`.split(/\s+/),
);

/** Removes markup a user might paste (HTML, markdown, card JSON) so only words are searched. */
export function stripMarkup(text: string): string {
  return text
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_#>~|{}[\]\\]+/g, ' ')
    .replace(/"\s*(type|version|body|actions|\$schema|text|url)\s*"\s*:/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cuts a long message at a sentence end near the limit. */
function firstPart(text: string): string {
  if (text.length <= MAX_QUESTION_CHARS) return text;
  const head = text.slice(0, MAX_QUESTION_CHARS);
  // The first question mark usually ends the question; the rest is background.
  const q = head.indexOf('?');
  if (q >= 10) return head.slice(0, q + 1).trim();
  const cut = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '));
  return (cut > MAX_QUESTION_CHARS / 3 ? head.slice(0, cut + 1) : head.replace(/\s+\S*$/, '')).trim();
}

/** Classifies and trims what the user typed before anything is searched. */
export function guardInput(raw: string | undefined | null): GuardedInput {
  const text = stripMarkup(String(raw ?? ''));
  if (text === '') return { question: '', truncated: false, problem: 'empty' };
  if (!/[\p{L}\p{N}]/u.test(text)) return { question: '', truncated: false, problem: 'no-words' };
  const question = firstPart(text);
  const truncated = question.length < text.length;
  const letters = question.match(/\p{L}/gu) ?? [];
  const latin = question.match(/[A-Za-z\u00C0-\u024F]/g) ?? [];
  if (letters.length >= 4 && latin.length / letters.length < 0.5) return { question, truncated, problem: 'not-english' };
  const tokens = question.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const foreign = tokens.filter((t) => FOREIGN_STOP.has(t)).length;
  const english = tokens.filter((t) => ENGLISH_HINT.has(t)).length;
  if (tokens.length >= 4 && foreign >= 2 && foreign > english * 2) return { question, truncated, problem: 'not-english' };
  return { question, truncated };
}

/**
 * Escapes text that is echoed back so it shows literally in Teams (markdown and HTML are both
 * rendered there) and cannot inject formatting, links or card markup.
 */
export function escapeForEcho(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max).trimEnd()}…` : text;
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+\-!|~])/g, '\\$1');
}
