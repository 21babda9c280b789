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

/** A term's weight in a message before normalisation: its count, damped, times its rarity. */
const tfIdf = (count: number, idf: number): number => (1 + Math.log(count)) * idf;

export class MessageNeighbours {
  /** term → its number: the index of its inverse document frequency and of its posting list. */
  private readonly termIds = new Map<string, number>();
  private readonly idf: Float64Array;
  /**
   * Every term's posting list in one pair of arrays (compressed sparse rows): term `t`'s messages and its
   * weight in each (normalised TF-IDF) are at `offsets[t]` up to `offsets[t + 1]`, in message order. (One small
   * typed array per term, as before, was most of the start-up time and garbage: about 80,000 of them.)
   */
  private readonly offsets: Int32Array;
  private readonly ids: Int32Array;
  private readonly w: Float64Array;
  /** Similarity per message, reused across calls (and the messages touched), so a call allocates little. */
  private readonly sim: Float64Array;

  constructor(private readonly messages: StoredMessage[]) {
    // Each message's terms as numbers and counts, numbering terms as they first appear.
    const df: number[] = [];
    const rows = messages.map((m) => {
      const t = termsOf(m.stems);
      const ids = new Int32Array(t.size);
      const counts = new Float64Array(t.size);
      let j = 0;
      for (const [k, c] of t) {
        let id = this.termIds.get(k);
        if (id === undefined) {
          id = df.length;
          this.termIds.set(k, id);
          df.push(0);
        }
        df[id]++;
        ids[j] = id;
        counts[j++] = c;
      }
      return { ids, counts };
    });
    const n = Math.max(messages.length, 1);
    this.idf = Float64Array.from(df, (d) => Math.log(1 + n / (1 + d)));
    this.offsets = new Int32Array(df.length + 1);
    for (let t = 0; t < df.length; t++) this.offsets[t + 1] = this.offsets[t] + df[t];
    const total = this.offsets[df.length];
    this.ids = new Int32Array(total);
    this.w = new Float64Array(total);
    const next = this.offsets.slice(0, df.length);
    rows.forEach(({ ids, counts }, i) => {
      // Each weight is written where it belongs, then divided by the row's norm in place (a row's terms are
      // distinct, so its last posting in each list is the one just written).
      let norm = 0;
      for (let j = 0; j < ids.length; j++) {
        const at = next[ids[j]]++;
        const x = tfIdf(counts[j], this.idf[ids[j]]);
        this.ids[at] = i;
        this.w[at] = x;
        norm += x * x;
      }
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < ids.length; j++) this.w[next[ids[j]] - 1] /= norm;
    });
    this.sim = new Float64Array(messages.length);
  }

  private vector(t: Map<string, number>): Vec {
    const keys: string[] = [];
    const w: number[] = [];
    let norm = 0;
    for (const [k, c] of t) {
      const id = this.termIds.get(k);
      const x = tfIdf(c, id !== undefined ? this.idf[id] : Math.log(1 + this.messages.length));
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
        const t = this.termIds.get(k);
        if (t === undefined) return;
        for (let x = this.offsets[t]; x < this.offsets[t + 1]; x++) {
          const i = this.ids[x];
          if (sim[i] === 0) touched.push(i);
          sim[i] += q.weights[j] * this.w[x];
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
