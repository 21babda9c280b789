/**
 * Earlier messages as evidence, by how they are phrased. Training messages are kept as their stems (every word,
 * not only the content words), each with what it was; a new message is compared with them by TF-IDF cosine over
 * stems and stem pairs, and how close it comes to earlier messages of each kind becomes features whose weights a
 * model learns. The command classifier compares with commands of each intent and with questions ("could you
 * take me off the mailing list" is close to earlier "stop sending me these"); the answerability model with
 * answerable and out-of-scope questions ("what's the direct line for…", "when is the next…").
 */
import type { Features } from './linear-model';

export interface StoredMessage {
  stems: string[];
  /** What it was: a command's intent or 'none' (command classifier); 'ans' or 'oos' (answerability). */
  intent: string;
  /** Who wrote it (corpus batch): training leaves a writer's own messages out of its evidence. */
  writer?: string;
}

interface Vec {
  keys: string[];
  weights: Float64Array;
}

function termsOf(stems: string[]): Map<string, number> {
  const t = new Map<string, number>();
  stems.forEach((s, i) => {
    t.set(s, (t.get(s) ?? 0) + 1);
    if (i) {
      const pair = `${stems[i - 1]}_${s}`;
      t.set(pair, (t.get(pair) ?? 0) + 1);
    }
  });
  return t;
}

export class MessageNeighbours {
  private readonly idf = new Map<string, number>();
  /** term → the messages that have it and its weight in each (normalised TF-IDF). */
  private readonly postings = new Map<string, { ids: Int32Array; w: Float64Array }>();
  /** Similarity per message, reused across calls (and the messages touched), so a call allocates little. */
  private readonly sim: Float64Array;

  constructor(private readonly messages: StoredMessage[]) {
    const terms = messages.map((m) => termsOf(m.stems));
    const df = new Map<string, number>();
    for (const t of terms) for (const k of t.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    const n = Math.max(messages.length, 1);
    for (const [k, d] of df) this.idf.set(k, Math.log(1 + n / (1 + d)));
    const lists = new Map<string, { ids: number[]; w: number[] }>();
    terms.forEach((t, i) => {
      const v = this.vector(t);
      v.keys.forEach((k, j) => {
        let p = lists.get(k);
        if (!p) lists.set(k, (p = { ids: [], w: [] }));
        p.ids.push(i);
        p.w.push(v.weights[j]);
      });
    });
    for (const [k, p] of lists) this.postings.set(k, { ids: Int32Array.from(p.ids), w: Float64Array.from(p.w) });
    this.sim = new Float64Array(messages.length);
  }

  private vector(t: Map<string, number>): Vec {
    const keys: string[] = [];
    const w: number[] = [];
    let norm = 0;
    for (const [k, c] of t) {
      const x = (1 + Math.log(c)) * (this.idf.get(k) ?? Math.log(1 + this.messages.length));
      keys.push(k);
      w.push(x);
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    return { keys, weights: Float64Array.from(w, (x) => x / norm) };
  }

  /**
   * `knn:<kind>`: the highest similarity to an earlier message of that kind; `knn_top:<kind>`: the similarity of
   * the nearest message, under its kind. `excludeWriter` leaves that writer's messages out (training).
   */
  features(stems: string[], excludeWriter?: string): Features {
    const q = this.vector(termsOf(stems));
    const sim = this.sim;
    const touched: number[] = [];
    try {
      q.keys.forEach((k, j) => {
        const p = this.postings.get(k);
        if (!p) return;
        for (let x = 0; x < p.ids.length; x++) {
          const i = p.ids[x];
          if (sim[i] === 0) touched.push(i);
          sim[i] += q.weights[j] * p.w[x];
        }
      });
    } catch (e) {
      for (const i of touched) sim[i] = 0;
      throw e;
    }
    const best = new Map<string, number>();
    let top = { s: 0, kind: '' };
    for (const i of touched) {
      const s = sim[i];
      sim[i] = 0;
      if (excludeWriter !== undefined && this.messages[i].writer === excludeWriter) continue;
      const kind = this.messages[i].intent;
      if (s > (best.get(kind) ?? 0)) best.set(kind, s);
      if (s > top.s) top = { s, kind };
    }
    const f: Features = new Map();
    for (const [kind, s] of best) f.set(`knn:${kind}`, s);
    if (top.kind) f.set(`knn_top:${top.kind}`, top.s);
    return f;
  }
}

/** The stored messages as an artefact keeps them: who wrote each is for training only. */
export function withoutWriters(messages: StoredMessage[]): StoredMessage[] {
  return messages.map(({ stems, intent }) => ({ stems, intent }));
}

const built = new WeakMap<StoredMessage[], MessageNeighbours>();

/** The index over a model's stored messages, built once per artefact (each engine rebuild reuses it). */
export function neighboursFor(messages: StoredMessage[]): MessageNeighbours {
  let n = built.get(messages);
  if (!n) built.set(messages, (n = new MessageNeighbours(messages)));
  return n;
}
