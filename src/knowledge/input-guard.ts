import { stripMarkup } from './understand/text';

export type InputProblem = 'empty' | 'no-words' | 'not-english';

export interface GuardedInput {
  /** The whole message with markup removed (never cut: the urgent check reads all of it). */
  text: string;
  problem?: InputProblem;
}

/** Function words of other languages people in Coventry write in: a category list for the language check. */
const FOREIGN_STOP = new Set(
  `el la los las del que y en por para con una est les des et une dans pour pas qui sur der die das und ist nicht ein eine mit auf ich sie wie czy jest nie się na do że ale jak o para com não uma os um ce și nu cu pe sunt il di che non per della sono och att det är som jag`.split(/\s+/),
);
const ENGLISH_HINT = new Set(
  `the a an is are what who where when how why do does can i my to of in on for with and or about there any our we you this that it be have has was`.split(/\s+/),
);

/** Classifies what the user typed before anything is searched. Linear in the message. */
export function guardInput(raw: string | undefined | null): GuardedInput {
  const text = stripMarkup(String(raw ?? ''));
  if (text === '') return { text, problem: 'empty' };
  if (!/[\p{L}\p{N}]/u.test(text)) return { text: '', problem: 'no-words' };
  const head = text.slice(0, 2000);
  const letters = head.match(/\p{L}/gu) ?? [];
  const latin = head.match(/[A-Za-z\u00C0-\u024F]/g) ?? [];
  if (letters.length >= 4 && latin.length / letters.length < 0.5) return { text, problem: 'not-english' };
  const tokens = head.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const foreign = tokens.filter((t) => FOREIGN_STOP.has(t)).length;
  const english = tokens.filter((t) => ENGLISH_HINT.has(t)).length;
  if (tokens.length >= 4 && foreign >= 2 && foreign > english * 2) return { text, problem: 'not-english' };
  return { text };
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
