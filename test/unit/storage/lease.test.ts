import { ManualClock, systemClock } from '../../../src/clock';
import { createLogger } from '../../../src/logger';
import { createLeasedJob } from '../../../src/scheduler/leased-job';
import { acquireLease, claimSlot, holdLease, releaseLease } from '../../../src/storage/lease';
import type { Tables } from '../../../src/storage/tables';
import { testTables } from '../../helpers/storage';

describe('leases on Azure Table storage', () => {
  let tables: Tables;
  beforeAll(async () => {
    tables = await testTables();
  });
  afterAll(async () => tables.dropAll());

  it('gives a lease to exactly one of two concurrent instances', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    const t = tables.client('Leases');
    const results = await Promise.all([
      acquireLease(t, 'race', 'a', 60_000, clock),
      acquireLease(t, 'race', 'b', 60_000, clock),
      acquireLease(t, 'race', 'c', 60_000, clock),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a held lease, then hands it over once it expires', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    const t = tables.client('Leases');
    expect(await acquireLease(t, 'job', 'a', 60_000, clock)).toBeDefined();
    expect(await acquireLease(t, 'job', 'b', 60_000, clock)).toBeUndefined();
    expect(await acquireLease(t, 'job', 'a', 60_000, clock)).toBeDefined(); // renewal by the holder
    clock.advance(61_000);
    expect((await acquireLease(t, 'job', 'b', 60_000, clock))?.owner).toBe('b');
    await releaseLease(t, 'job', 'a'); // not the holder: no effect
    expect(await acquireLease(t, 'job', 'a', 60_000, clock)).toBeUndefined();
    await releaseLease(t, 'job', 'b');
    expect(await acquireLease(t, 'job', 'a', 60_000, clock)).toBeDefined();
  });

  it('claims a schedule slot once across instances', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    const t = tables.client('Leases');
    const wins = await Promise.all(['x', 'y', 'z'].map((o) => claimSlot(t, 'reminders:2026-01-05T09:00', o, clock)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  const logger = createLogger('silent');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('a held lease is kept by its heartbeat well past its ttl; a dead holder (no heartbeat) loses it when it runs out', async () => {
    const t = tables.client('Leases');
    const held = await holdLease(t, 'beat', 'alive', { ttlMs: 600, clock: systemClock, logger });
    expect(held).toBeDefined();
    await sleep(1500);
    expect(await acquireLease(t, 'beat', 'other', 600, systemClock)).toBeUndefined();
    expect(held!.signal.aborted).toBe(false);
    await held!.release();
    expect(await acquireLease(t, 'beat', 'other', 600, systemClock)).toBeDefined(); // released: free at once

    expect(await acquireLease(t, 'dead', 'crashed', 600, systemClock)).toBeDefined(); // taken, then never renewed
    expect(await holdLease(t, 'dead', 'heir', { ttlMs: 600, clock: systemClock, logger })).toBeUndefined();
    await sleep(700);
    const heir = await holdLease(t, 'dead', 'heir', { ttlMs: 600, clock: systemClock, logger });
    expect(heir).toBeDefined();
    await heir!.release();
  });

  it('a holder whose lease was taken meanwhile (it stalled past the ttl) is told to stop', async () => {
    const t = tables.client('Leases');
    const clock = new ManualClock(new Date());
    const held = await holdLease(t, 'stall', 'slow', { ttlMs: 1000, heartbeatMs: 200, clock, logger });
    // It stalled: the lease ran out, and another instance took it. (Its heartbeat runs on real timers, so on a
    // loaded machine a beat can land between the clock's jump and the other's write and renew the lease for
    // the new time; the other then tries again after the next jump, as a real instance would.)
    let taken;
    for (let i = 0; i < 5 && !taken; i++) {
      clock.advance(2000);
      taken = await acquireLease(t, 'stall', 'fast', 1000, clock);
    }
    expect(taken).toBeDefined();
    await sleep(500);
    expect(held!.signal.aborted).toBe(true);
    await held!.release(); // no effect: it is not ours
    expect(await acquireLease(t, 'stall', 'third', 1000, clock)).toBeUndefined();
  });

  it('a periodic leased job runs once per period across instances and is taken over when its holder dies mid-run', async () => {
    const t = tables.client('Leases');
    const clock = new ManualClock('2026-02-02T10:00:00Z');
    const runs: string[] = [];
    const job = (owner: string, run: () => Promise<void> = async () => undefined) =>
      createLeasedJob({ name: 'periodic', leases: t, owner, clock, logger, ttlMs: 800, due: (last, now) => !last || now.getTime() - last.getTime() >= 60_000, run: async () => {
        runs.push(owner);
        await run();
      } });
    const [a, b] = [job('a'), job('b')];
    const results = await Promise.all([a.tick(), b.tick()]);
    expect(results.sort()).toEqual(['held', 'ran']);
    expect(await a.tick()).toBe('not-due');
    clock.advance(60_000);
    expect(await b.tick()).toBe('ran');
    expect(runs).toHaveLength(2);

    // c takes the lease for the next period and dies in the middle: its run never ends and nothing renews the
    // lease (the instance is gone), so it runs out and d takes the work over.
    clock.advance(60_000);
    expect(await acquireLease(t, 'periodic', 'c', 800, clock)).toBeDefined(); // c's lease, as c would have taken it
    const d = job('d');
    expect(await d.tick()).toBe('held');
    clock.advance(900);
    expect(await d.tick()).toBe('ran');
    expect(runs.slice(-1)).toEqual(['d']);
  });
});
