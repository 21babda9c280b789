import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock } from '../../../src/clock';
import { createDeliveryEngine, type DeliveryEngineOptions } from '../../../src/delivery/delivery.engine';
import { OutboxStore, type OutboxRow } from '../../../src/delivery/outbox.store';
import { pruneJournals, SentJournal } from '../../../src/delivery/sent-journal';
import { createLogger, type Logger } from '../../../src/logger';
import type { Tables } from '../../../src/storage/tables';
import { CaptureNotifier, target } from '../../helpers/capture-notifier';
import { testTables } from '../../helpers/storage';

const silent = createLogger('silent');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cscp-journal-'));

const row = (partitionKey: string, rowKey: string, enqueuedAt = '2026-11-30T09:00:00.000Z') => ({ partitionKey, rowKey, enqueuedAt });
const day = (iso: string) => new Date(iso);

describe('sent journal', () => {
  it('a line one process writes is read by another, from its own file, incrementally', () => {
    const dir = tmp();
    const a = new SentJournal(dir, 'host-1-a', silent);
    const b = new SentJournal(dir, 'host-2-b', silent);
    a.record(row('job-1', 'u1'), 'act-1', day('2026-11-30T10:00:00Z'));
    expect(b.lookup(row('job-1', 'u1'))).toBeUndefined(); // not read yet
    b.refresh();
    expect(b.lookup(row('job-1', 'u1'))).toEqual({ activityId: 'act-1', at: '2026-11-30T10:00:00.000Z' });
    expect(b.lookup(row('job-1', 'u2'))).toBeUndefined();
    expect(b.lookup(row('job-2', 'u1'))).toBeUndefined();
    a.record(row('job-1', 'u2'), undefined, day('2026-11-30T10:00:01Z'));
    b.refresh();
    expect(b.lookup(row('job-1', 'u2'))).toEqual({ activityId: undefined, at: '2026-11-30T10:00:01.000Z' });
    expect(fs.readdirSync(dir).sort()).toEqual(['host-1-a.2026-11-30.jsonl']);
    a.close();
  });

  it('a row enqueued again under the same keys is another row: an old line does not stand for it', () => {
    const dir = tmp();
    const j = new SentJournal(dir, 'w', silent);
    j.record(row('job', 'u1', '2026-11-01T09:00:00.000Z'), 'a', day('2026-11-01T09:00:01Z'));
    j.refresh();
    expect(j.lookup(row('job', 'u1', '2026-11-01T09:00:00.000Z'))).toBeTruthy();
    expect(j.lookup(row('job', 'u1', '2026-11-30T09:00:00.000Z'))).toBeUndefined();
    j.forget('job');
    expect(j.lookup(row('job', 'u1', '2026-11-01T09:00:00.000Z'))).toBeUndefined();
  });

  it('a torn last line (a crash mid-write) is read once whole; a garbled line is skipped; offsets are bytes', () => {
    const dir = tmp();
    const file = path.join(dir, 'dead.jsonl');
    // An invalid UTF-8 byte decodes to a 3-byte character: offsets counted in characters would drift.
    fs.writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(['job', 'u1', 'e', 'x', 't'])}\nnot json `), Buffer.from([0xff]), Buffer.from('\n["job","u2","e"')]));
    const j = new SentJournal(dir, 'me', silent);
    j.refresh();
    expect(j.lookup(row('job', 'u1', 'e'))).toBeTruthy();
    expect(j.lookup(row('job', 'u2', 'e'))).toBeUndefined();
    fs.appendFileSync(file, `,"y","t"]\n`);
    j.refresh();
    expect(j.lookup(row('job', 'u2', 'e'))).toEqual({ activityId: 'y', at: 't' });
  });

  it('keys that need escaping survive, and each UTC day gets a new file', () => {
    const dir = tmp();
    const j = new SentJournal(dir, 'w/../x', silent);
    j.record(row('job\n1', 'u\t"1"'), 'a', day('2026-11-30T23:59:59Z'));
    j.record(row('job', 'u2'), 'b', day('2026-12-01T00:00:01Z'));
    j.refresh();
    expect(j.lookup(row('job\n1', 'u\t"1"'))).toBeTruthy();
    expect(j.lookup(row('job', 'u2'))).toBeTruthy();
    expect(fs.readdirSync(dir).sort()).toEqual(['w_.._x.2026-11-30.jsonl', 'w_.._x.2026-12-01.jsonl']);
  });

  it('prune removes files not written for the given time, in every prefix folder, and empty folders; a live writer whose file went opens a new one', () => {
    const root = tmp();
    const live = new SentJournal(path.join(root, 'cscp'), 'live', silent);
    const other = new SentJournal(path.join(root, 'cscp'), 'recent', silent);
    const gone = new SentJournal(path.join(root, 'oldprefix'), 'gone', silent);
    const today = new Date();
    for (const j of [live, other, gone]) j.record(row('job', 'u0'), 'a', today);
    const old = new Date(Date.now() - 10 * 86_400_000);
    const name = `live.${today.toISOString().slice(0, 10)}.jsonl`;
    fs.utimesSync(path.join(root, 'cscp', name), old, old);
    fs.utimesSync(path.join(root, 'oldprefix', `gone.${today.toISOString().slice(0, 10)}.jsonl`), old, old);
    expect(pruneJournals(root, 2 * 86_400_000, Date.now())).toBe(2);
    expect(fs.readdirSync(root)).toEqual(['cscp']);
    expect(fs.readdirSync(path.join(root, 'cscp'))).toEqual([`recent.${today.toISOString().slice(0, 10)}.jsonl`]);
    // The live writer's next line lands in a file others can read.
    live.record(row('job', 'u1'), 'b', today);
    const reader = new SentJournal(path.join(root, 'cscp'), 'reader', silent);
    reader.refresh();
    expect(reader.lookup(row('job', 'u1'))).toBeTruthy();
  });

  it('a folder that cannot be written is warned about, delivery goes on, and writing is tried again later', () => {
    const dir = tmp();
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, '');
    const warnings: unknown[] = [];
    const logger = { ...silent, warn: (...a: unknown[]) => warnings.push(a) } as unknown as Logger;
    const j = new SentJournal(path.join(blocker, 'sub'), 'me', logger);
    expect(() => j.record(row('job', 'u'), 'a', new Date())).not.toThrow();
    expect(() => j.record(row('job', 'u2'), 'a', new Date())).not.toThrow();
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain('"u"');
    fs.rmSync(blocker);
    const now = Date.now();
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now + 31_000);
    try {
      j.record(row('job', 'u3'), 'a', new Date());
    } finally {
      spy.mockRestore();
    }
    const reader = new SentJournal(path.join(blocker, 'sub'), 'reader', silent);
    reader.refresh();
    expect(reader.lookup(row('job', 'u3'))).toBeTruthy();
  });
});

describe('delivery engine with a sent journal, on Azurite', () => {
  let tables: Tables;
  let store: OutboxStore;
  beforeAll(async () => {
    tables = await testTables();
    store = new OutboxStore(tables.client('Outbox'));
  });
  afterAll(async () => tables.dropAll());

  const recipients = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `u${i}`, target: target(`conv-u${i}`) }));
  const msg = (key: string) => ({ text: `hello ${key}` });
  /** An engine on the suite's outbox with its own journal file in `dir` (20 s claims, fast polling). */
  const engineWith = (notifier: CaptureNotifier, clock: ManualClock, workerId: string, journal: SentJournal, extra: Partial<DeliveryEngineOptions> = {}) =>
    createDeliveryEngine({ tables, notifier, clock, logger: silent, ratePerSecond: 1000, pollMs: 50, workerId, leaseMs: 20_000, journal, ...extra });
  /** The job's rows as stored, u0… in order. */
  const storedRows = (jobId: string, n: number) => Promise.all(Array.from({ length: n }, async (_, i) => (await store.get(jobId, `u${i}`))!));
  /** Leaves rows claimed by `worker` with a claim that runs out a second from now (a worker about to "die"). */
  const claimAs = (rows: OutboxRow[], worker: string, clock: ManualClock) =>
    store.claim(rows, worker, new Date(clock.now().getTime() + 1000).toISOString(), clock.now().getTime());

  it("a worker that died after Teams accepted its messages but before storage recorded them: the taker reads its journal and sends only the rest", async () => {
    const dir = tmp();
    const clock = new ManualClock(new Date());
    // A's sends are accepted (the connector has them) but the "sent" writes never land: the process died there.
    let dead = false;
    const ac = new AbortController();
    const na = new CaptureNotifier();
    const journalA = new SentJournal(dir, 'A', silent);
    const origRecord = journalA.record.bind(journalA);
    journalA.record = (r, id, at) => {
      origRecord(r, id, at);
      if (na.sends.length >= 10) {
        dead = true;
        ac.abort();
      }
    };
    const realUpdate = OutboxStore.prototype.update;
    const a = engineWith(na, clock, 'A', journalA);
    await a.enqueue('job-journal', recipients(30));
    // Freeze A's outbox writes once it is "dead": nothing it does after the accepted sends reaches storage.
    const spy = jest.spyOn(OutboxStore.prototype, 'update').mockImplementation(function (this: OutboxStore, row, patch) {
      if (dead && row.claimedBy === 'A') return new Promise(() => undefined);
      return realUpdate.call(this, row, patch);
    });
    try {
      void a.run('job-journal', msg, { signal: ac.signal });
      while (!dead) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      spy.mockRestore();
    }
    const accepted = new Set(na.sends.map((s) => s.target.conversationId));
    const unrecorded = Object.entries(await statusMap(store, 'job-journal')).filter(([k, s]) => s === 'claimed' && accepted.has(`conv-${k}`));
    expect(unrecorded.length).toBeGreaterThan(0); // the crash window: accepted by Teams, claimed in storage

    clock.advance(21_000); // A's claims run out
    const nb = new CaptureNotifier();
    const b = engineWith(nb, clock, 'B', new SentJournal(dir, 'B', silent));
    await b.run('job-journal', msg);
    const all = [...na.sends, ...nb.sends].map((s) => s.target.conversationId);
    expect(new Set(all).size).toBe(30);
    expect(all).toHaveLength(30); // nobody twice
    for (const [k] of unrecorded) {
      const row = await store.get('job-journal', k);
      expect(row).toMatchObject({ status: 'sent', statusCode: 201 });
      expect(row?.activityId).toMatch(/^act-\d+$/); // Teams' id for the message A sent, from A's journal
    }
    expect((await b.progress('job-journal')).sent).toBe(30);
  });

  it('a line in the journal never stops a send that is not a takeover, nor one for a row enqueued again', async () => {
    const dir = tmp();
    const clock = new ManualClock(new Date());
    const na = new CaptureNotifier();
    const a = engineWith(na, clock, 'A2', new SentJournal(dir, 'A2', silent));
    await a.enqueue('job-stale', recipients(6));
    const rows = await storedRows('job-stale', 6);
    const stale = new SentJournal(dir, 'old-process', silent);
    // u0–u2 pending, with lines for them as enqueued (a pending row is nobody's takeover: never skipped);
    // u3–u5 left claimed by a dead worker, with lines for an earlier row under the same keys.
    for (const r of rows.slice(0, 3)) stale.record(r, 'x', clock.now());
    for (const r of rows.slice(3)) stale.record({ ...r, enqueuedAt: '2026-01-01T00:00:00.000Z' }, 'x', clock.now());
    await claimAs(rows.slice(3), 'dead', clock);
    clock.advance(2000);
    await a.run('job-stale', msg);
    expect(na.sends.map((x) => x.target.conversationId).sort()).toEqual(['conv-u0', 'conv-u1', 'conv-u2', 'conv-u3', 'conv-u4', 'conv-u5']);
  });

  it('a row taken over is looked up again at the moment of sending: a slow previous owner that sent it meanwhile is not repeated', async () => {
    const dir = tmp();
    const clock = new ManualClock(new Date());
    const nb = new CaptureNotifier();
    // One message a second: the third row taken over waits about two seconds for its turn.
    const b = engineWith(nb, clock, 'B3', new SentJournal(dir, 'B3', silent), { ratePerSecond: 1, leaseMs: 60_000 });
    await b.enqueue('job-late', recipients(3));
    const rows = await storedRows('job-late', 3);
    await claimAs(rows, 'slow', clock);
    clock.advance(2000); // the slow owner's claims have run out, and nothing is in the journal yet
    const slow = new SentJournal(dir, 'slow', silent);
    const run = b.run('job-late', msg);
    await new Promise((r) => setTimeout(r, 300));
    slow.record(rows[2], 'act-slow', clock.now()); // the slow owner's send of u2 was accepted meanwhile
    await run;
    expect(nb.sends.map((x) => x.target.conversationId).sort()).toEqual(['conv-u0', 'conv-u1']);
    expect(await store.get('job-late', 'u2')).toMatchObject({ status: 'sent', activityId: 'act-slow' });
  });
});

async function statusMap(store: OutboxStore, jobId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const page of store.scan(jobId)) for (const r of page) out[r.recipientKey!] = r.status!;
  return out;
}
