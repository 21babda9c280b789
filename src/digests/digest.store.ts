import type { TableClient } from '@azure/data-tables';
import { ConflictError, UserInputError } from '../errors';
import { getOrUndefined, isPreconditionFailed } from '../storage/tables';
import type { DigestCounts, DigestRecord } from './digest.types';

const PK = 'digest';
/** Table string properties hold 32K characters; the newsletter's markdown is split across body0..bodyN. */
const BODY_CHUNK = 30_000;
const BODY_CHUNKS = 11;
export const MAX_BODY_CHARS = BODY_CHUNK * BODY_CHUNKS;
/**
 * The item list (headlines, summaries, links) is JSON split the same way across items0..itemsN: 40 items with
 * long links come to more than one 32K-character property.
 */
const ITEMS_CHUNKS = 8;
/** Table storage's limit on one entity is 1 MiB; a little is kept back for property names and overhead. */
const MAX_ENTITY_BYTES = 1000 * 1024;
const ITEMS_PROPS = Array.from({ length: ITEMS_CHUNKS }, (_, i) => `items${i}`);

function splitItems(json: string): Record<string, string> {
  if (json.length > BODY_CHUNK * ITEMS_CHUNKS) throw new UserInputError('That newsletter has too many long items to store; split it into two digests.');
  const out: Record<string, string> = {};
  // Every chunk is written (empty when unused), so a shorter list replaces a longer one completely.
  for (let i = 0; i < ITEMS_CHUNKS; i++) out[`items${i}`] = json.slice(i * BODY_CHUNK, (i + 1) * BODY_CHUNK);
  return out;
}

function joinItems(r: Record<string, unknown>): string {
  const parts = ITEMS_PROPS.map((k) => (typeof r[k] === 'string' ? (r[k] as string) : '')).join('');
  return parts || (typeof r.itemsJson === 'string' ? r.itemsJson : '');
}

interface Row {
  title: string;
  published: string;
  url?: string;
  intro?: string;
  /** Rows written before the item list was split keep it here. */
  itemsJson?: string;
  totalItems: number;
  format: string;
  status: string;
  createdBy: string;
  createdAt: string;
  scheduledFor?: string;
  scheduledLocal?: string;
  scheduledBy?: string;
  sentBy?: string;
  sendStartedAt?: string;
  enqueuedAt?: string;
  finishedAt?: string;
  ingestedAt?: string;
  cancelledBy?: string;
  cancelledAt?: string;
  retryRequestedAt?: string;
  retriedBy?: string;
  jobId?: string;
  progressCardJson?: string;
  countsJson?: string;
  [body: `body${number}`]: string | undefined;
}

/** Table 'Digests': partition 'digest', row = digest id. Every status change is ETag-conditional. */
export class DigestStore {
  constructor(private readonly table: TableClient) {}

  async create(d: DigestRecord, markdown: string): Promise<DigestRecord> {
    const body: Record<string, string> = {};
    for (let i = 0; i * BODY_CHUNK < Math.min(markdown.length, MAX_BODY_CHARS); i++) body[`body${i}`] = markdown.slice(i * BODY_CHUNK, (i + 1) * BODY_CHUNK);
    const entity = { partitionKey: PK, rowKey: d.id, ...toRow(d), ...body };
    // Table storage stores strings as UTF-16 and refuses an entity over 1 MiB: say so plainly rather than fail.
    const bytes = Object.values(entity).reduce<number>((n, v) => n + (typeof v === 'string' ? v.length * 2 : 8), 0);
    if (bytes > MAX_ENTITY_BYTES) throw new UserInputError('That newsletter is too large to store as one digest; split it into two.');
    const res = await this.table.createEntity(entity);
    return { ...d, etag: res.etag };
  }

  async get(id: string): Promise<DigestRecord | undefined> {
    const row = await getOrUndefined<Row>(this.table, PK, id);
    return row ? fromRow(id, row) : undefined;
  }

  /** The newsletter's cleaned markdown, as stored at creation. */
  async body(id: string): Promise<string> {
    const row = await getOrUndefined<Row>(this.table, PK, id);
    if (!row) return '';
    let out = '';
    for (let i = 0; i < BODY_CHUNKS && typeof row[`body${i}`] === 'string'; i++) out += row[`body${i}`];
    return out;
  }

  /** Writes the changed fields only if nobody changed the record since `d.etag`; throws ConflictError otherwise. */
  async update(d: DigestRecord, patch: Partial<DigestRecord>): Promise<DigestRecord> {
    const next = { ...d, ...patch };
    try {
      const res = await this.table.updateEntity({ partitionKey: PK, rowKey: d.id, ...toRow(patch) }, 'Merge', { etag: d.etag });
      return { ...next, etag: res.etag };
    } catch (e) {
      if (isPreconditionFailed(e)) throw new ConflictError('The digest was changed by someone else; look again.');
      throw e;
    }
  }

  /** Every digest, newest first (a few a year, so one listing is fine). */
  async list(select?: { statuses?: string[] }): Promise<DigestRecord[]> {
    const filter = select?.statuses?.length
      ? `PartitionKey eq '${PK}' and (${select.statuses.map((s) => `status eq '${s}'`).join(' or ')})`
      : `PartitionKey eq '${PK}'`;
    const props = ['RowKey', 'title', 'published', 'url', 'intro', 'itemsJson', ...ITEMS_PROPS, 'totalItems', 'format', 'status', 'createdBy', 'createdAt', 'scheduledFor', 'scheduledLocal', 'scheduledBy', 'sentBy', 'sendStartedAt', 'enqueuedAt', 'finishedAt', 'ingestedAt', 'cancelledBy', 'cancelledAt', 'retryRequestedAt', 'retriedBy', 'jobId', 'progressCardJson', 'countsJson'];
    const out: DigestRecord[] = [];
    for await (const e of this.table.listEntities<Row>({ queryOptions: { filter, select: props } })) out.push(fromRow(e.rowKey as string, e as Row, e.etag));
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  }
}

function toRow(d: Partial<DigestRecord>): Partial<Row> {
  const r: Partial<Row> = {};
  const copy = ['title', 'published', 'url', 'intro', 'totalItems', 'format', 'status', 'createdBy', 'createdAt', 'scheduledFor', 'scheduledLocal', 'scheduledBy', 'sentBy', 'sendStartedAt', 'enqueuedAt', 'finishedAt', 'ingestedAt', 'cancelledBy', 'cancelledAt', 'retryRequestedAt', 'retriedBy', 'jobId'] as const;
  for (const k of copy) if (k in d) (r as Record<string, unknown>)[k] = d[k] ?? '';
  if (d.items) Object.assign(r, splitItems(JSON.stringify(d.items)));
  if ('progressCard' in d) r.progressCardJson = d.progressCard ? JSON.stringify(d.progressCard) : '';
  if ('counts' in d) r.countsJson = d.counts ? JSON.stringify(d.counts) : '';
  return r;
}

function fromRow(id: string, r: Row, etag?: string): DigestRecord {
  const opt = (v: string | undefined) => (v ? v : undefined);
  return {
    id,
    title: r.title,
    published: r.published,
    url: opt(r.url),
    intro: opt(r.intro),
    items: ((json) => (json ? JSON.parse(json) : []))(joinItems(r as unknown as Record<string, unknown>)),
    totalItems: r.totalItems ?? 0,
    format: r.format === 'html' ? 'html' : 'markdown',
    status: r.status as DigestRecord['status'],
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    scheduledFor: opt(r.scheduledFor),
    scheduledLocal: opt(r.scheduledLocal),
    scheduledBy: opt(r.scheduledBy),
    sentBy: opt(r.sentBy),
    sendStartedAt: opt(r.sendStartedAt),
    enqueuedAt: opt(r.enqueuedAt),
    finishedAt: opt(r.finishedAt),
    ingestedAt: opt(r.ingestedAt),
    cancelledBy: opt(r.cancelledBy),
    cancelledAt: opt(r.cancelledAt),
    retryRequestedAt: opt(r.retryRequestedAt),
    retriedBy: opt(r.retriedBy),
    jobId: opt(r.jobId),
    progressCard: r.progressCardJson ? JSON.parse(r.progressCardJson) : undefined,
    counts: r.countsJson ? countsOf(JSON.parse(r.countsJson)) : undefined,
    etag: etag ?? (r as { etag?: string }).etag,
  };
}

/** Counts as stored; records written before `unreachable` existed called it `gone`. */
function countsOf(raw: Partial<DigestCounts> & { gone?: number }): DigestCounts {
  const { gone, ...rest } = raw;
  return { total: 0, sent: 0, failed: 0, blocked: 0, tooLarge: 0, skipped: 0, ...rest, unreachable: rest.unreachable ?? gone ?? 0 };
}
