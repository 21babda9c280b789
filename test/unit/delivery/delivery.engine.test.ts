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

  it('retries 503 with growing backoff; a row that keeps failing is put back for later, not failed, and the run waits for it', async () => {
    const clock = new ManualClock(new Date());
    let r2Down = true;
    const n = new CaptureNotifier((t, attempt) => {
      if (t.conversationId === 'conv-r1' && attempt <= 2) return new DeliveryError(503, 'unavailable');
      if (t.conversationId === 'conv-r2' && r2Down) return new DeliveryError(502, 'bad gateway');
      return undefined;
    });
    const e = engine(n, { clock, backoff: { baseMs: 100, maxMs: 1000, maxAttempts: 4 } });
    await e.enqueue('job-503', recipients(3, 'r'));
    let finished = false;
    const running = e.run('job-503', msg).then((s) => {
      finished = true;
      return s;
    });
    const deadline = Date.now() + 10_000;
    while ((await store.get('job-503', 'r2'))?.status !== 'retry' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const r2 = await store.get('job-503', 'r2');
    expect(r2).toMatchObject({ status: 'retry', statusCode: 502, attempts: 4, lastError: 'http_502', deferrals: 1 });
    expect(new Date(r2!.retryAt!).getTime() - clock.now().getTime()).toBe(30_000);
    expect(await store.get('job-503', 'r1')).toMatchObject({ status: 'sent', attempts: 3 });
    const r1 = n.attempts.filter((x) => x.conversationId === 'conv-r1').map((x) => x.at);
    expect(r1[1] - r1[0]).toBeGreaterThanOrEqual(45); // attempt 1 backoff: 50..100 ms
    expect(r1[2] - r1[1]).toBeGreaterThanOrEqual(95); // attempt 2: 100..200 ms
    // The job is not finished while a row waits for its retry.
    await new Promise((r) => setTimeout(r, 300));
    expect(finished).toBe(false);
    expect(await e.progress('job-503')).toMatchObject({ sent: 2, pending: 1, retrying: 1, failed: 0, done: false });

    r2Down = false;
    clock.advance(31_000);
    const summary = await running;
    expect(await store.get('job-503', 'r2')).toMatchObject({ status: 'sent', attempts: 5 });
    expect(summary.retries5xx).toBe(2 + 4);
    expect(n.sends.map((x) => x.target.conversationId).sort()).toEqual(['conv-r0', 'conv-r1', 'conv-r2']);
  });

  it('marks 403 blocked (and calls back), a channel answering 404 unreachable and 413 too_large without retrying', async () => {
    const codes: Record<string, number> = { 'conv-x0': 403, 'conv-x1': 404, 'conv-x2': 413 };
    const n = new CaptureNotifier((t) => (codes[t.conversationId] ? new DeliveryError(codes[t.conversationId], 'no') : undefined));
    const e = engine(n);
    const blocked: string[] = [];
    const unreachable: string[] = [];
    await e.enqueue('job-4xx', recipients(4, 'x'));
    await e.run('job-4xx', msg, { onBlocked: (k) => void blocked.push(k), onUnreachable: (k) => void unreachable.push(k) });
    expect(await store.get('job-4xx', 'x0')).toMatchObject({ status: 'blocked', statusCode: 403, attempts: 1 });
    expect(await store.get('job-4xx', 'x1')).toMatchObject({ status: 'unreachable', statusCode: 404, attempts: 1, lastError: 'http_404' });
    expect(await store.get('job-4xx', 'x2')).toMatchObject({ status: 'too_large', statusCode: 413, attempts: 1 });
    expect(blocked).toEqual(['x0']);
    expect(unreachable).toEqual(['x1']);
    expect(n.attempts).toHaveLength(4);
    expect(n.created).toEqual([]); // no user id: nothing to create a chat with
    const p = await e.progress('job-4xx');
    expect(p).toMatchObject({ sent: 1, blocked: 1, unreachable: 1, tooLarge: 1, pending: 0 });
    expect(p.reasons).toEqual([
      { code: 'http_404', count: 1 },
      { code: 'http_413', count: 1 },
    ]);
  });

  it('a person whose chat is gone (404, or 403 ConversationNotFound) gets it created again and the message; unreachable only when that fails', async () => {
    const person = (id: string, userId?: string) => ({ key: id, target: { ...target(`old-${id}`), ...(userId ? { userId } : {}) } });
    const n = new CaptureNotifier(
      (t) => {
        if (t.conversationId === 'old-p1') return new DeliveryError(404, 'gone', undefined, 'ConversationNotFound');
        if (t.conversationId === 'old-p2') return new DeliveryError(403, 'gone', undefined, 'ConversationNotFound');
        if (t.conversationId.startsWith('old-p3') || t.conversationId.startsWith('old-p4') || t.conversationId === 'new-29:p4') return new DeliveryError(404, 'gone');
        if (t.conversationId === 'old-p5') return new DeliveryError(403, 'blocked', undefined, 'ConversationBlockedByUser');
        return undefined;
      },
      (t) => (t.userId === '29:p3' ? new DeliveryError(403, 'app removed', undefined, 'BotNotInConversationRoster') : `new-${t.userId}`),
    );
    const e = engine(n);
    const moved: [string, string][] = [];
    const unreachable: string[] = [];
    await e.enqueue('job-refind', [person('p1', '29:p1'), person('p2'), person('p3', '29:p3'), person('p4', '29:p4'), person('p5', '29:p5')]);
    await e.run('job-refind', msg, {
      onRefound: (k, t) => void moved.push([k, t.conversationId]),
      onUnreachable: (k) => void unreachable.push(k),
      // p2's row has no user id: it is looked up (the conversation store in production).
      personOf: async (k) => (k === 'p2' ? { userId: '29:p2', tenantId: 't1' } : undefined),
    });
    expect(n.sends.map((s) => s.target.conversationId).sort()).toEqual(['new-29:p1', 'new-29:p2']);
    expect(await store.get('job-refind', 'p1')).toMatchObject({ status: 'sent', conversationId: 'new-29:p1', refoundFrom: 'old-p1', attempts: 3 });
    expect(await store.get('job-refind', 'p2')).toMatchObject({ status: 'sent', conversationId: 'new-29:p2', userId: '29:p2' });
    expect(await store.get('job-refind', 'p3')).toMatchObject({ status: 'unreachable', statusCode: 403, lastError: 'http_403_BotNotInConversationRoster' }); // why the chat could not be created
    expect(await store.get('job-refind', 'p4')).toMatchObject({ status: 'unreachable', conversationId: 'new-29:p4' }); // the new chat answered 404 too
    expect(await store.get('job-refind', 'p5')).toMatchObject({ status: 'blocked', lastError: 'http_403_ConversationBlockedByUser' });
    expect(moved.sort()).toEqual([
      ['p1', 'new-29:p1'],
      ['p2', 'new-29:p2'],
      ['p4', 'new-29:p4'],
    ]);
    expect(unreachable.sort()).toEqual(['p3', 'p4']);
    expect(await e.progress('job-refind')).toMatchObject({ sent: 2, refound: 2, unreachable: 2, blocked: 1, pending: 0 });
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

  it('a one-off send stuck behind a long Retry-After gives up in time and is then never sent', async () => {
    const n = new CaptureNotifier();
    const e = engine(n, { directDeadlineMs: 300 });
    e.limiter.penalise(2000); // another send was told to wait 2 s
    const started = Date.now();
    await expect(e.deliver(target('conv-late'), { text: 'escalation' })).rejects.toMatchObject({ status: 0 });
    expect(Date.now() - started).toBeLessThan(1500);
    await new Promise((r) => setTimeout(r, 2200)); // the pause ends and the queued token is granted
    expect(n.attempts).toEqual([]); // but nothing goes out for a send the caller gave up on
  });

  it('a 429 for a busy conversation pauses that conversation only; a 429 for a quiet one pauses everything', async () => {
    // A channel that just had several posts hits its own limit (Teams: 7/s, 8 per 2 s…); others carry on.
    let channelPosts = 0;
    const n = new CaptureNotifier((t) => (t.conversationId === 'conv-busy' && ++channelPosts === 3 ? new DeliveryError(429, 'slow down', 1000) : undefined));
    const e = engine(n);
    await e.deliver(target('conv-busy'), { text: '1' });
    await e.deliver(target('conv-busy'), { text: '2' });
    const third = e.deliver(target('conv-busy'), { text: '3' });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await e.deliver(target('conv-other'), { text: 'elsewhere' });
    expect(Date.now() - started).toBeLessThan(500); // not held by the channel's Retry-After
    await third;
    const busy = n.attempts.filter((a) => a.conversationId === 'conv-busy');
    expect(busy[3].at - busy[2].at).toBeGreaterThanOrEqual(950); // the channel itself waited

    // A first message to a conversation answered 429: the app's limit; every send waits.
    const m = new CaptureNotifier((t, attempt) => (t.conversationId === 'conv-q1' && attempt === 1 ? new DeliveryError(429, 'app limit', 800) : undefined));
    const f = engine(m);
    const first = f.deliver(target('conv-q1'), { text: 'x' });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await f.deliver(target('conv-q2'), { text: 'y' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    await first;
  });
});
