import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { TABLE_NAMES, type TableName } from '../../src/storage/tables';
import type { TestBot, TestUser } from './bot-harness';

/** Every request to the bot in these suites must cost less than this much CPU (bot, storage client and test). */
export const MAX_REQUEST_CPU_MS = 1000;
/** Every card the bot sends stays under this many bytes (Teams refuses messages over about 100 KB). */
export const MAX_CARD_BYTES = 80 * 1024;

v8.setFlagsFromString('--expose-gc');
/** A full garbage collection (V8's `gc`, exposed at run time). */
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Garbage collections of the whole heap: major, incremental marking, weak callbacks. */
const WHOLE_HEAP_GC = new Set<number>([constants.NODE_PERFORMANCE_GC_MAJOR, constants.NODE_PERFORMANCE_GC_INCREMENTAL, constants.NODE_PERFORMANCE_GC_WEAKCB]);

/**
 * POSTs an activity and measures the CPU this process spent until the response (the bot runs in-process).
 * The heap is collected in full first, outside the measure: `process.cpuUsage()` counts the whole Jest worker,
 * and a collection of everything earlier test files left in its heap could otherwise fall inside one request
 * (a CI run saw 1,580 ms for a request that costs 90–180 ms). Everything the request itself costs is counted,
 * its own garbage collections included. `heapGcMs` is the time whole-heap collections (major, incremental
 * marking, weak callbacks) paused the process during the request, for the failure message.
 */
export async function postTimed(t: TestBot, activity: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any; cpuMs: number; heapGcMs: number }> {
  collectGarbage();
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const start = performance.now();
  const before = process.cpuUsage();
  try {
    const res = await t.post(activity, headers);
    const used = process.cpuUsage(before);
    const end = performance.now();
    // An entry reaches the observer two turns of the event loop after its collection.
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    const heapGcMs = [...gcs, ...observer.takeRecords()]
      .filter((e) => WHOLE_HEAP_GC.has((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0) && e.startTime >= start && e.startTime <= end)
      .reduce((sum, e) => sum + e.duration, 0);
    return { ...res, cpuMs: (used.user + used.system) / 1000, heapGcMs };
  } finally {
    observer.disconnect();
  }
}

/** The largest Adaptive Card among everything the connector received (and any invoke bodies given). */
export function largestCard(t: TestBot, invokeBodies: unknown[] = []): number {
  const cards: unknown[] = [];
  for (const a of t.connector.activities) for (const att of a.body.attachments ?? []) if (String(att.contentType).includes('adaptive')) cards.push(att.content);
  for (const b of invokeBodies) if (b && typeof b === 'object' && String((b as { type?: string }).type).includes('adaptive')) cards.push((b as { value?: unknown }).value);
  return cards.reduce<number>((m, c) => Math.max(m, Buffer.byteLength(JSON.stringify(c), 'utf8')), 0);
}

/** Tables that hold the instances' own heartbeats (rate shares, job leases), not anything a person sent. */
const HEARTBEATS: readonly TableName[] = ['RateShares', 'Leases'];

/** Row counts of every product table: "nothing stored" means these do not change. */
export async function tableCounts(t: TestBot, names: readonly TableName[] = TABLE_NAMES.filter((n) => !HEARTBEATS.includes(n))): Promise<Record<string, number>> {
  // Writes queued after earlier turns land first.
  await t.bot.deps.bookkeeping.idle();
  const out: Record<string, number> = {};
  for (const n of names) {
    let c = 0;
    for await (const _ of t.bot.deps.tables.client(n).listEntities({ queryOptions: { select: ['RowKey'] } })) c++;
    out[n] = c;
  }
  return out;
}

/** All rows of one table. */
export async function rowsOf(t: TestBot, name: TableName): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  for await (const r of t.bot.deps.tables.client(name).listEntities()) out.push(r);
  return out;
}

/**
 * A host the bot must never call: an HTTP server on another loopback address (127.0.0.2), recording any
 * request that reaches it.
 */
export class ForbiddenHost {
  readonly hits: string[] = [];
  private server?: http.Server;
  url = '';
  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"stolen"}');
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.2', () => r()));
    this.url = `http://127.0.0.2:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** An activity from a team channel (or, with `place: 'groupChat'`, a group chat) in tenant-1. */
export function sharedActivity(
  t: TestBot,
  user: TestUser,
  extra: Record<string, unknown>,
  opts: { channel?: string; team?: string; place?: 'channel' | 'groupChat'; channelType?: string; tenantId?: string } = {},
): Record<string, unknown> {
  const channel = opts.channel ?? '19:shared-place@thread.tacv2';
  const tenantId = opts.tenantId ?? 'tenant-1';
  return t.activity(user, {
    conversation: { id: `${channel};messageid=1700000000001`, conversationType: opts.place ?? 'channel', tenantId },
    channelData: {
      tenant: { id: tenantId },
      ...(opts.place === 'groupChat' ? {} : { team: { id: opts.team ?? '19:team-x@thread.tacv2' }, channel: { id: channel, ...(opts.channelType ? { type: opts.channelType } : {}) } }),
    },
    ...extra,
  });
}

/** The messages the bot sent into a channel (its base id, without ;messageid=). */
export const channelMessages = (t: TestBot, channel = '19:shared-place@thread.tacv2') =>
  t.connector.activities.filter((a) => a.conversationId.split(';')[0] === channel && a.body.type === 'message');

export const textOf = (a: { body: Record<string, any> }): string => JSON.stringify(a.body);

/**
 * POSTs an activity the way every attack in these suites is sent: it must be answered with 200, cost under
 * MAX_REQUEST_CPU_MS of CPU, and leave no card (sent to the connector or in the invoke response) over
 * MAX_CARD_BYTES.
 */
export async function postChecked(t: TestBot, activity: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any; cpuMs: number }> {
  const res = await postTimed(t, activity, headers);
  expect(res.status).toBe(200);
  // (the whole-heap collection time in the message, should a loaded machine ever pass the bound)
  if (res.cpuMs >= MAX_REQUEST_CPU_MS) throw new Error(`the request cost ${res.cpuMs.toFixed(0)} ms of CPU (bound ${MAX_REQUEST_CPU_MS} ms); whole-heap garbage collections paused it ${res.heapGcMs.toFixed(0)} ms`);
  expect(largestCard(t, [res.body])).toBeLessThan(MAX_CARD_BYTES);
  return res;
}

/** A 1:1 activity from `user` in tenant-1 (what `t.say` and `t.submit` send). */
export function personalActivity(t: TestBot, user: TestUser, extra: Record<string, unknown>): Record<string, unknown> {
  return t.activity(user, extra);
}

export type Row = Record<string, unknown>;
export type Snapshot = Record<string, Map<string, Row>>;

/**
 * Every row of every product table (but the heartbeat tables), without ETags, timestamps and a conversation
 * reference's `lastSeen` (refreshed by any activity, as a heartbeat is), after queued writes have landed:
 * stricter than `tableCounts`, as a changed row shows as well as a new one.
 */
export async function snapshot(t: TestBot, names: readonly TableName[] = TABLE_NAMES.filter((n) => !HEARTBEATS.includes(n))): Promise<Snapshot> {
  await t.bot.deps.bookkeeping.idle();
  const out: Snapshot = {};
  for (const n of names) {
    const rows = new Map<string, Row>();
    for (const { etag: _e, timestamp: _t, ...r } of await rowsOf(t, n)) {
      if (n === 'Conversations') delete r.lastSeen;
      rows.set(`${r.partitionKey}|${r.rowKey}`, r);
    }
    out[n] = rows;
  }
  return out;
}

export interface TableChanges {
  added: Row[];
  removed: Row[];
  changed: { before: Row; after: Row }[];
}

const stable = (row: Row): string => JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));

/** What changed between two snapshots, by table; tables with no change are left out (nothing stored: `{}`). */
export function changesBetween(before: Snapshot, after: Snapshot): Record<string, TableChanges> {
  const out: Record<string, TableChanges> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[name] ?? new Map<string, Row>();
    const b = after[name] ?? new Map<string, Row>();
    const c: TableChanges = { added: [], removed: [], changed: [] };
    for (const [k, row] of b) {
      const old = a.get(k);
      if (!old) c.added.push(row);
      else if (stable(old) !== stable(row)) c.changed.push({ before: old, after: row });
    }
    for (const [k, row] of a) if (!b.has(k)) c.removed.push(row);
    if (c.added.length || c.removed.length || c.changed.length) out[name] = c;
  }
  return out;
}

/** How many rows each table gained, lost and had changed: `{ AnswerLog: { added: 1 } }`. */
export function changeCounts(changes: Record<string, TableChanges>): Record<string, Partial<Record<keyof TableChanges, number>>> {
  return Object.fromEntries(
    Object.entries(changes).map(([name, c]) => [
      name,
      Object.fromEntries((['added', 'removed', 'changed'] as const).filter((k) => c[k].length).map((k) => [k, c[k].length])),
    ]),
  );
}
