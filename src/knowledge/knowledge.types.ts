/** What the partnership publishes: a newsletter, a report, a piece of guidance (anything else is "other"). */
export type DocumentKind = 'newsletter' | 'report' | 'guidance' | 'other';

/** Metadata of one source document (from the catalog, front matter or CLI flags). */
export interface DocumentMeta {
  /** Stable id derived from the file name (without extension), safe as a table key. */
  id: string;
  title: string;
  kind: DocumentKind;
  /** "YYYY-MM" (or "YYYY"); empty when unknown. */
  published: string;
  url: string;
  /** File name it came from, for error messages and citations. */
  fileName: string;
}

/** A structural piece of a parsed document, before chunking. */
export type Block =
  | { kind: 'heading'; level: number; text: string; page?: number }
  | { kind: 'para' | 'item' | 'row'; text: string; page?: number }
  /** A visible separator (rule, "|" line): the next passage starts afresh. */
  | { kind: 'break'; page?: number };

export interface ParsedDocument {
  meta: DocumentMeta;
  blocks: Block[];
  /** sha256 of the raw bytes plus metadata: unchanged files are skipped on re-ingest. */
  hash: string;
}

/** A passage as indexed and quoted. */
export interface Chunk {
  /** `${docId}#${ordinal}` */
  id: string;
  docId: string;
  ordinal: number;
  headingPath: string[];
  /** First page the passage comes from (PDF only). */
  page?: number;
  text: string;
  title: string;
  kind: DocumentKind;
  published: string;
  url: string;
}

export type Intent =
  | 'help'
  | 'subscribe'
  | 'unsubscribe'
  | 'my-subscriptions'
  | 'training'
  | 'my-training'
  | 'survey'
  | 'escalate'
  | 'my-escalations';

/** One cited passage of an answer. */
export interface AnswerSource {
  /** 1-based number used in the answer's [n] markers. */
  n: number;
  title: string;
  /** Heading path joined with " › " (plus ", page N" for PDFs). */
  section: string;
  published: string;
  url: string;
  /** The passage as indexed. */
  text: string;
  score: number;
  chunkId: string;
  page?: number;
  outdated: boolean;
  /** e.g. "published 2016 — may be out of date" when outdated. */
  ageNotice?: string;
}

export interface AnswerResult {
  /** Plain text with [n] markers; anything echoed from the question is escaped. */
  answer: string;
  notFound: boolean;
  urgent: boolean;
  intent?: Intent;
  /** A command the message may have meant (below the routing threshold): offered as one tap under the answer. */
  offeredCommand?: Intent;
  /** Best first, up to 5. */
  sources: AnswerSource[];
  followUps: string[];
  /** Things the user should know about how the question was handled (truncated, language, ...). */
  notices: string[];
  /** For urgent messages: the kind of danger the message most likely describes (corpus risk category). */
  risk?: string;
  /** 'extractive' unless a configured model wrote the answer. */
  mode: 'extractive' | 'generative' | 'none';
}
