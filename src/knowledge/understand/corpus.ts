/**
 * The labelled message corpus (test/fixtures/messages/*.jsonl; protocol in its README): what the language
 * layer is trained on (split `train`) and measured on (split `heldback`, frozen).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type MessageKind = 'answerable' | 'out_of_scope' | 'urgent' | 'topic' | 'command' | 'greeting' | 'followup';
export type Split = 'train' | 'heldback';

export interface Turn {
  message: string;
  /** The passage that answers this turn (absent when the turn is out of scope). */
  gold?: string[];
  facts?: string[];
  /** A second turn the guidance does not answer ("and what's her number?"): the bot should decline it. */
  out_of_scope?: boolean;
  /** For an out-of-scope turn: what it sounds close to. */
  near?: string;
}

export interface CorpusMessage {
  id: string;
  split: Split;
  writer: string;
  persona: string;
  style: string;
  kind: MessageKind;
  message: string;
  gold?: string[];
  facts?: string[];
  doc?: string;
  mode?: 'lookup' | 'paraphrase';
  near?: string;
  risk?: string;
  intent?: string;
  turns?: Turn[];
  /** For a follow-up: false when the second turn stands on its own (a change of topic). */
  leans?: boolean;
}

/** A two-turn exchange's second turn when it leans on the first (read with the first turn as context). */
export function leaningSecondTurn(m: CorpusMessage): Turn | undefined {
  return m.kind === 'followup' && m.leans !== false ? m.turns?.[1] : undefined;
}

export interface Corpus {
  messages: CorpusMessage[];
  /**
   * sha256 over the bytes of the files that hold train messages, in name order: the artefacts record which corpus
   * they came from. The models are fitted on the train split alone, so a held-back batch added later (to measure
   * them on wording they never saw) does not make them stale.
   */
  hash: string;
  files: string[];
}

/** Reads every .jsonl file of the folder. Throws with the file and line of the first bad line. */
export function loadCorpus(dir: string): Corpus {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const hash = createHash('sha256');
  const messages: CorpusMessage[] = [];
  for (const f of files) {
    const raw = fs.readFileSync(path.join(dir, f), 'utf8');
    let holdsTrain = false;
    raw.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let m: CorpusMessage;
      try {
        m = JSON.parse(line) as CorpusMessage;
      } catch (e) {
        throw new Error(`${f}:${i + 1}: not JSON (${(e as Error).message})`);
      }
      if (m.kind === 'followup' && !m.message) m.message = m.turns?.[1]?.message ?? '';
      messages.push(m);
      holdsTrain ||= m.split === 'train';
    });
    if (holdsTrain) hash.update(f).update('\0').update(raw).update('\0');
  }
  return { messages, hash: hash.digest('hex').slice(0, 16), files };
}

/**
 * A validation split for choices the held-back split must not make: the train messages of the named writers
 * become the split measured (labelled `heldback`, so the same scorer reads them), the other train messages stay
 * `train`, and the real held-back messages are left out altogether. Models trained on it (`npm run train --
 * --validate W,… --out DIR`) have never seen those writers; `npm run eval:corpus -- --validate W,… --models DIR`
 * measures them there. Throws on a writer with no train messages (a typo would otherwise validate on nothing).
 */
export function validationSplit(corpus: Corpus, writers: string[]): Corpus {
  const wanted = new Set(writers);
  for (const w of wanted) if (!corpus.messages.some((m) => m.split === 'train' && m.writer === w)) throw new Error(`no train messages from writer "${w}"`);
  const messages = corpus.messages.filter((m) => m.split === 'train').map((m) => (wanted.has(m.writer) ? { ...m, split: 'heldback' as const } : m));
  return { messages, hash: `${corpus.hash}-validate-${[...wanted].sort().join('.')}`, files: corpus.files };
}

/** Text folded for matching gold snippets: whitespace runs as one space, lower case. */
export const foldText = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** The passages (indices into `texts`, already folded) that hold any of the gold snippets. */
export function passagesHolding(texts: readonly string[], snippets: readonly string[]): number[] {
  const out = new Set<number>();
  for (const g of snippets.map(foldText)) texts.forEach((t, i) => t.includes(g) && out.add(i));
  return [...out];
}

/** Writer ids as a CLI takes them ("wj,wv, xe"). */
export function writerList(list: string): string[] {
  return list.split(',').map((w) => w.trim()).filter(Boolean);
}

/** The corpus folder of this checkout. */
export function defaultCorpusDir(root: string): string {
  return path.join(root, 'test', 'fixtures', 'messages');
}

/** What a message should get from the urgent check. */
export const isUrgent = (m: CorpusMessage) => m.kind === 'urgent';

/** The intent a message should be routed to (greetings get the help/welcome), or undefined for none. */
export function expectedIntent(m: CorpusMessage): string | undefined {
  if (m.kind === 'command') return m.intent;
  if (m.kind === 'greeting') return 'help';
  return undefined;
}

/** The words of a message as a set (lower case, letters, digits and apostrophes), for near-duplicate checks. */
function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []);
}

/** The messages a person types in one corpus line (both turns of a follow-up). */
const typed = (m: CorpusMessage): string[] => (m.kind === 'followup' ? (m.turns ?? []).map((t) => t.message) : [m.message]);

/**
 * Ids of the `of` messages that nearly repeat one of `among`: the same text, or at least `share` of the two
 * messages' distinct words in common (Jaccard). Used to report held-back figures without the messages a
 * train writer happened to word the same way ("help", "who are the delegated safeguarding partners?").
 */
export function nearDuplicates(of: CorpusMessage[], among: CorpusMessage[], share = 0.7): Set<string> {
  const seen = among.flatMap(typed).map((t) => ({ text: t.trim().toLowerCase(), words: wordSet(t) }));
  const out = new Set<string>();
  for (const m of of) {
    const dup = typed(m).some((t) => {
      const text = t.trim().toLowerCase();
      const words = wordSet(t);
      return seen.some((s) => {
        if (s.text === text) return true;
        if (!words.size || !s.words.size) return false;
        let both = 0;
        for (const w of words) if (s.words.has(w)) both++;
        return both / (words.size + s.words.size - both) >= share;
      });
    });
    if (dup) out.add(m.id);
  }
  return out;
}
