import { ManualClock, systemClock } from '../../../src/clock';
import { createDeliveryEngine, type DeliveryEngineOptions } from '../../../src/delivery/delivery.engine';
import { OutboxStore } from '../../../src/delivery/outbox.store';
import { createLogger } from '../../../src/logger';
import type { Tables } from '../../../src/storage/tables';
import { CaptureNotifier, DeliveryError, target } from '../../helpers/capture-notifier';
import { testTables } from '../../helpers/storage';

const logger = createLogger('silent');
const msg = (key: string) => ({ text: `hello ${key}` });
const recipients = (n: number, prefix = 'u') =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, target: target(`conv-${prefix}${i}`) }));

describe('delivery engine on Azurite', () => {
  let tables: Tables;
  let store: OutboxStore;
  beforeAll(async () => {
    tables = await testTables();
    store = new OutboxStore(tables.client('Outbox'));
  });
  afterAll(async () => tables.dropAll());

  const engine = (notifier: CaptureNotifier, extra: Partial<DeliveryEngineOptions> = {}) =>
    createDeliveryEngine({ tables, notifier, clock: systemClock, logger, ratePerSecond: 1000, pollMs: 50, backoff: { baseMs: 20, maxMs: 200 }, ...extra });

  const statuses = async (jobId: string) => {
    const out: Record<string, string> = {};
    for await (const page of store.scan(jobId)) for (const r of page) out[r.recipientKey!] = r.status!;
    return out;
  };

  it('enqueue is idempotent: rows are written once and existing rows keep their status', async () => {
    const e = engine(new CaptureNotifier());
    expect(await e.enqueue('job-enq', recipients(250))).toEqual({ added: 250, existing: 0 });
    await store.force((await store.get('job-enq', 'u7'))!, { status: 'sent' });
    const again = await e.enqueue('job-enq', [...recipients(260), ...recipients(3)]);
    expect(again).toEqual({ added: 10, existing: 250 });
    const s = await statuses('job-enq');
    expect(Object.keys(s)).toHaveLength(260);
    expect(s.u7).toBe('sent');
    // concurrent enqueues of the same list race on the batches and still write each row once
    const [a, b] = await Promise.all([e.enqueue('job-race', recipients(120)), e.enqueue('job-race', recipients(120))]);
    expect(a.added + b.added).toBe(120);
    expect(Object.keys(await statuses('job-race'))).toHaveLength(120);
  });

  it('sends every row once, records status code, attempts and activity id, and reports progress', async () => {
    const n = new CaptureNotifier();
    const e = engine(n);
    await e.enqueue('job-basic', recipients(40));
    const summary = await e.run('job-basic', msg);
    expect(summary.outcomes.sent).toBe(40);
    expect(n.sends).toHaveLength(40);
    expect(n.duplicates()).toEqual([]);
    const row = await store.get('job-basic', 'u3');
    expect(row).toMatchObject({ status: 'sent', statusCode: 201, attempts: 1 });
    expect(row?.activityId).toMatch(/^act-/);
    const p = await e.progress('job-basic');
    expect(p).toMatchObject({ total: 40, sent: 40, pending: 0, failed: 0, done: true, etaSeconds: 0 });
    // running again sends nothing: a sent row is never sent again
    await e.run('job-basic', msg);
    expect(n.sends).toHaveLength(40);
  });

  it('two engines on the same outbox send each row exactly once', async () => {
    const n = new CaptureNotifier();
    // Paced so the run lasts long enough for both to compete for rows the whole way through.
    const a = engine(n, { workerId: 'A', ratePerSecond: 100 });
    const b = engine(n, { workerId: 'B', ratePerSecond: 100 });
    await a.enqueue('job-two', recipients(300));
    const [sa, sb] = await Promise.all([a.run('job-two', msg), b.run('job-two', msg)]);
    expect(n.sends).toHaveLength(300);
    expect(n.duplicates()).toEqual([]);
    expect((sa.outcomes.sent ?? 0) + (sb.outcomes.sent ?? 0)).toBe(300);
    expect(sa.outcomes.sent).toBeGreaterThan(0);
    expect(sb.outcomes.sent).toBeGreaterThan(0);
  });

  it('resumes after a crash mid-run without a duplicate, once the dead worker’s claims expire', async () => {
    const clock = new ManualClock(new Date());
    let crashed = false;
    const ac = new AbortController();
    const n = new CaptureNotifier(() => {
      if (n.sends.length >= 25) {
        crashed = true;
        ac.abort();
        return 'hang'; // the process died before this request left
      }
      return undefined;
    });
    const a = engine(n, { workerId: 'A', clock, leaseMs: 20_000 });
    await a.enqueue('job-crash', recipients(80));
    void a.run('job-crash', msg, { signal: ac.signal }); // never settles: its in-flight sends hang forever
    while (!crashed) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    const mid = await a.progress('job-crash');
    expect(mid.sent).toBe(25);

    const n2 = new CaptureNotifier();
    const b = engine(n2, { workerId: 'B', clock, leaseMs: 20_000 });
    // Before the lease expires B may only take rows A released; the hung (claimed) ones wait for the lease.
    const early = await b.run('job-crash', msg, { signal: AbortSignal.timeout(1500) });
    expect(early.aborted).toBe(true);
    const stuck = (await b.progress('job-crash')).pending;
    expect(stuck).toBeGreaterThan(0);
    expect(n2.sends).toHaveLength(80 - 25 - stuck);
    clock.advance(21_000);
    await b.run('job-crash', msg);
    const all = [...n.sends, ...n2.sends].map((s) => s.target.conversationId);
    expect(all).toHaveLength(80);
    expect(new Set(all).size).toBe(80);
    expect((await b.progress('job-crash')).sent).toBe(80);
  });

  it('waits as Retry-After says on a 429 and slows the global rate', async () => {
    const n = new CaptureNotifier((t, attempt) =>
      t.conversationId === 'conv-t5' && attempt === 1 ? new DeliveryError(429, 'throttled', 400) : undefined,
    );
    const e = engine(n, { ratePerSecond: 50 });
    await e.enqueue('job-429', recipients(10, 't'));
    await e.run('job-429', msg);
    const first429 = n.attempts.find((x) => x.status === 429)!;
    const after = n.attempts.filter((x) => x.at > first429.at);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after.map((x) => x.at)) - first429.at).toBeGreaterThanOrEqual(390);
    expect(e.limiter.currentRate).toBeLessThan(50);
    expect(await store.get('job-429', 't5')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(n.sends).toHaveLength(10);
  });

  it('retries 503 with growing backoff, then gives up on a row that keeps failing', async () => {
    const n = new CaptureNotifier((t, attempt) => {
      if (t.conversationId === 'conv-r1' && attempt <= 2) return new DeliveryError(503, 'unavailable');
      if (t.conversationId === 'conv-r2') return new DeliveryError(502, 'bad gateway');
      return undefined;
    });
    const e = engine(n, { backoff: { baseMs: 100, maxMs: 1000, maxAttempts: 4 } });
    await e.enqueue('job-503', recipients(3, 'r'));
    const summary = await e.run('job-503', msg);
    expect(await store.get('job-503', 'r1')).toMatchObject({ status: 'sent', attempts: 3 });
    expect(await store.get('job-503', 'r2')).toMatchObject({ status: 'failed', statusCode: 502, attempts: 4, lastError: 'http_502' });
    const r1 = n.attempts.filter((x) => x.conversationId === 'conv-r1').map((x) => x.at);
    expect(r1[1] - r1[0]).toBeGreaterThanOrEqual(45); // attempt 1 backoff: 50..100 ms
    expect(r1[2] - r1[1]).toBeGreaterThanOrEqual(95); // attempt 2: 100..200 ms
    expect(summary.retries5xx).toBe(2 + 3);
  });

  it('marks 403 blocked (and calls back), 404 gone and 413 too_large without retrying', async () => {
    const codes: Record<string, number> = { 'conv-x0': 403, 'conv-x1': 404, 'conv-x2': 413 };
    const n = new CaptureNotifier((t) => (codes[t.conversationId] ? new DeliveryError(codes[t.conversationId], 'no') : undefined));
    const e = engine(n);
    const blocked: string[] = [];
    const gone: string[] = [];
    await e.enqueue('job-4xx', recipients(4, 'x'));
    await e.run('job-4xx', msg, { onBlocked: (k) => void blocked.push(k), onGone: (k) => void gone.push(k) });
    expect(await store.get('job-4xx', 'x0')).toMatchObject({ status: 'blocked', statusCode: 403, attempts: 1 });
    expect(await store.get('job-4xx', 'x1')).toMatchObject({ status: 'gone', statusCode: 404, attempts: 1 });
    expect(await store.get('job-4xx', 'x2')).toMatchObject({ status: 'too_large', statusCode: 413, attempts: 1 });
    expect(blocked).toEqual(['x0']);
    expect(gone).toEqual(['x1']);
    expect(n.attempts).toHaveLength(4);
    const p = await e.progress('job-4xx');
    expect(p).toMatchObject({ sent: 1, blocked: 1, gone: 1, tooLarge: 1, pending: 0 });
  });

  it('skips a row whose recipient unsubscribed before the send', async () => {
    const n = new CaptureNotifier();
    const e = engine(n);
    await e.enqueue('job-skip', recipients(5, 's'));
    await e.run('job-skip', msg, { shouldSend: (k) => k !== 's2' });
    expect(n.sends.map((s) => s.target.conversationId)).not.toContain('conv-s2');
    expect(n.sends).toHaveLength(4);
    expect(await store.get('job-skip', 's2')).toMatchObject({ status: 'skipped' });
  });

  it('delivers a one-off message with the same retry policy', async () => {
    const n = new CaptureNotifier((t, attempt) => (attempt === 1 ? new DeliveryError(504, 'timeout') : undefined));
    const e = engine(n);
    const out = await e.deliver(target('conv-one'), { text: 'x' });
    expect(out.activityId).toMatch(/^act-/);
    await expect(engine(new CaptureNotifier(() => new DeliveryError(403, 'blocked'))).deliver(target('c'), { text: 'x' })).rejects.toMatchObject({ status: 403 });
  });
});
