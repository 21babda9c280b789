/**
 * Features of a message for the learned classifiers: word stems, stem pairs, character 4-grams (typos,
 * texting), lexicon categories and their combinations with stance cues. Linear in the message length.
 */
import type { Features } from './linear-model';
import { CUE_LEXICON, REQUEST_LEXICON, RISK_LEXICON } from './lexicons';
import { sentences, stemToken, stripMarkup, tokenize } from './text';

/** A message read once: its cleaned text, tokens and stems. */
export interface MessageView {
  text: string;
  tokens: string[];
  stems: string[];
}

export function viewOf(raw: string): MessageView {
  const text = stripMarkup(raw);
  const tokens = tokenize(text);
  return { text, tokens, stems: tokens.map(stemToken) };
}

interface PhraseNode {
  next: Map<string, PhraseNode>;
  labels: string[];
}

/** Matches many stemmed phrases in one pass (a trie over stems; phrases are at most a few words). */
export class PhraseMatcher {
  private readonly root: PhraseNode = { next: new Map(), labels: [] };
  private maxLen = 1;

  constructor(lists: Record<string, string[]>) {
    for (const [label, phrases] of Object.entries(lists)) {
      for (const p of phrases) {
        const stems = tokenize(p).map(stemToken);
        if (!stems.length) continue;
        this.maxLen = Math.max(this.maxLen, stems.length);
        let node = this.root;
        for (const s of stems) {
          let n = node.next.get(s);
          if (!n) node.next.set(s, (n = { next: new Map(), labels: [] }));
          node = n;
        }
        if (!node.labels.includes(label)) node.labels.push(label);
      }
    }
  }

  /** Label → number of matches (each position counted once per label). */
  count(stems: string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (let i = 0; i < stems.length; i++) {
      let node: PhraseNode | undefined = this.root;
      for (let k = i; k < stems.length && k < i + this.maxLen && node; k++) {
        node = node.next.get(stems[k]);
        if (node) for (const l of node.labels) out.set(l, (out.get(l) ?? 0) + 1);
      }
    }
    return out;
  }
}

const RISK = new PhraseMatcher(RISK_LEXICON);
const CUES = new PhraseMatcher(CUE_LEXICON);
const REQUEST = new PhraseMatcher(REQUEST_LEXICON);

export interface FeatureOptions {
  charGrams?: boolean;
  lexicon?: boolean;
  /** Word pairs as well as words (default on). */
  bigrams?: boolean;
  /** Stance cues of the whole message (of a pasted document's sentence, its own) added to each window's features ("msg:past"…). */
  messageCues?: boolean;
  /** The request lexicon and its pairs (for the command classifier). */
  requests?: boolean;
}

/** Stance cues anywhere in a message (for windows of a long message, which lose the rest of it). */
export function messageCues(stems: string[]): Map<string, number> {
  return CUES.count(stems);
}

/** Character 4-gram feature keys of a token, remembered (tokens recur across the parts of a long message). */
const gramCache = new Map<string, string[]>();
function gramKeys(t: string): string[] {
  let keys = gramCache.get(t);
  if (!keys) {
    keys = [];
    if (t.length >= 5 && !/^\d/.test(t)) {
      const padded = `^${t}$`;
      for (let i = 0; i + 4 <= padded.length; i++) keys.push(`c:${padded.slice(i, i + 4)}`);
    }
    if (gramCache.size > 100_000) gramCache.clear();
    gramCache.set(t, keys);
  }
  return keys;
}

/** The features of one stretch of text (a whole short message, or a window of a long one). */
export function featuresOf(stems: string[], tokens: string[], opts: FeatureOptions = {}, msgCues?: Map<string, number>): Features {
  const f: Features = new Map();
  const add = (k: string, v = 1) => f.set(k, Math.min(3, (f.get(k) ?? 0) + v));
  for (let i = 0; i < stems.length; i++) {
    add(`w:${stems[i]}`);
    if (opts.bigrams !== false && i + 1 < stems.length) add(`b:${stems[i]}_${stems[i + 1]}`);
  }
  // Whether the rest of the message says it is over ("last year… she's fine now") or happening ("tonight").
  if (opts.messageCues && msgCues) for (const [label, c] of msgCues) add(`msg:${label}`, Math.min(c, 3));
  if (stems.length) {
    add(`first:${stems[0]}`);
    if (stems.length > 1) add(`first2:${stems[0]}_${stems[1]}`);
  }
  if (opts.charGrams !== false) {
    for (const t of tokens) for (const k of gramKeys(t)) add(k, 0.34);
  }
  const n = stems.length;
  add(n <= 3 ? 'len:1-3' : n <= 8 ? 'len:4-8' : n <= 20 ? 'len:9-20' : n <= 60 ? 'len:21-60' : 'len:61+');
  if (opts.requests) {
    const hits = REQUEST.count(stems);
    for (const [label, c] of hits) add(`req:${label}`, Math.min(c, 3));
    for (const [a] of hits) for (const [b] of hits) if (a < b) add(`req:${a}&${b}`);
    if (stems.length) add(`req:opens:${[...REQUEST.count(stems.slice(0, 3)).keys()].sort().join('+') || 'none'}`);
  }
  if (opts.lexicon !== false) {
    const risks = RISK.count(stems);
    const cues = CUES.count(stems);
    let riskHits = 0;
    for (const [label, c] of risks) {
      add(`lex:${label}`, Math.min(c, 3));
      riskHits += c;
    }
    for (const [label, c] of cues) add(`cue:${label}`, Math.min(c, 3));
    if (riskHits) {
      add('risk:any', Math.min(riskHits, 3) / 1.5);
      for (const [label] of cues) add(`risk&${label}`);
      for (const [label] of risks) for (const [cue] of cues) add(`${label}&${cue}`);
      // The rest of the message decides whether what this part describes is happening now or is over.
      if (opts.messageCues && msgCues) for (const [cue] of msgCues) add(`risk&msg:${cue}`);
    }
    const now = cues.get('now') ?? 0;
    const over = (cues.get('past') ?? 0) + (cues.get('hypothetical') ?? 0) + (cues.get('generic') ?? 0);
    add(now > over ? 'stance:now' : over > now ? 'stance:over' : 'stance:even');
  }
  return f;
}

/**
 * Beyond this many sentences a message is taken for a pasted document and read one sentence at a time, each with
 * its own stance cues (see partsOfView). At or under it, a long message is read in sentences and runs of three with
 * the whole message's cues, as the corpus's long messages were in training.
 */
const MAX_SENTENCES = 150;

/** A part of a message read on its own; `run` marks a run of sentences (read without character n-grams). */
export interface MessagePart {
  stems: string[];
  tokens: string[];
  run?: boolean;
  /** Read with its own stance cues instead of the whole message's (a pasted document's sentence; see partsOfView). */
  ownCues?: boolean;
}

/** The stance cues a part is read with: its own, or the whole message's (`whole`). */
export function cuesOfPart(part: MessagePart, whole: Map<string, number>): Map<string, number> {
  return part.ownCues ? messageCues(part.stems) : whole;
}

/**
 * The parts of a message that are read on their own: the whole of a short message, each sentence, and runs
 * of up to three sentences — so danger stated in one sentence is not diluted by background before or after it.
 * Linear in the message: each sentence is in at most four parts. Runs are read without character n-grams (the
 * sentences in them were read with them), which keeps a long message's cost down.
 */
export function partsOfView(view: MessageView, wholeMax = 120, maxTokens = 80): MessagePart[] {
  const out: MessagePart[] = [];
  if (view.tokens.length <= wholeMax) out.push({ stems: view.stems, tokens: view.tokens });
  const sents = sentences(view.text).map((s) => tokenize(s)).filter((t) => t.length);
  // A message far longer than any person types (a pasted document) is read sentence by sentence, each once
  // (no runs): all of it is read, at a bounded cost per word, and a sentence of danger is never diluted. Each
  // sentence is read as a short message would be, with its own stance cues, not the whole document's (whose
  // procedure wording — "should", "practitioners" — says "general" for every sentence in it: 106 of 259 short
  // held-back urgent messages were missed inside 47 KB of it, 37 this way; README Quality, twenty-second session).
  if (sents.length > MAX_SENTENCES)
    return sents.map((t) => t.slice(0, maxTokens)).map((tokens) => ({ tokens, stems: tokens.map(stemToken), ownCues: true }));
  if (sents.length <= 1 && out.length) return out;
  const stemmed = sents.map((t) => t.slice(0, maxTokens).map(stemToken));
  for (let i = 0; i < sents.length; i++) {
    out.push({ tokens: sents[i].slice(0, maxTokens), stems: stemmed[i] });
    if (view.tokens.length > wholeMax && i + 1 < sents.length) {
      const tokens = sents.slice(i, i + 3).flat().slice(0, maxTokens);
      out.push({ tokens, stems: tokens.map(stemToken), run: true });
    }
  }
  return out;
}

/** The features of a part (runs without character n-grams). */
export function partFeatures(part: MessagePart, opts: FeatureOptions, msgCues?: Map<string, number>): Features {
  return featuresOf(part.stems, part.tokens, part.run ? { ...opts, charGrams: false } : opts, msgCues);
}
