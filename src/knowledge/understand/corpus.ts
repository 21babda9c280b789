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
  gold: string[];
  facts?: string[];
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

export interface Corpus {
  messages: CorpusMessage[];
  /** sha256 over the files' bytes in name order: the artefacts record which corpus they came from. */
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
    hash.update(f).update('\0').update(raw).update('\0');
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
    });
  }
  return { messages, hash: hash.digest('hex').slice(0, 16), files };
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
