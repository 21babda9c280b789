import { ManualClock } from '../../../src/clock';
import { RateBudget } from '../../../src/delivery/rate-budget';
import { GlobalRateLimiter, type LimiterTimers } from '../../../src/delivery/rate-limiter';
import { createLogger } from '../../../src/logger';
import type { Tables } from '../../../src/storage/tables';
import { testTables } from '../../helpers/storage';

/** Virtual limiter time, so "busy in the last two seconds" is under the test's control. */
function virtualTimers(): LimiterTimers & { t: number } {
  const v = { t: 0, now: () => v.t, sleep: async (ms: number) => void (v.t += Math.max(0, ms)) };
  return v;
}

/**
 * The app's one rate budget across instances, on real Table storage: the shares add up to at most the budget
 * at every moment, whichever instance beats first, as instances appear, get busy, go idle and die.
 */
describe('rate budget shared across instances (RateShares table)', () => {
  let tables: Tables;
  beforeAll(async () => {
    tables = await testTables();
  });
  afterAll(async () => tables.dropAll());

  const TOTAL = 50;
  const clock = new ManualClock('2026-05-01T10:00:00Z');
  const timers = virtualTimers();

  function instance(id: string) {
    const limiter = new GlobalRateLimiter({ ratePerSecond: TOTAL, timers });
    const budget = new RateBudget({ table: tables.client('RateShares'), instanceId: id, totalPerSecond: TOTAL, limiter, clock, logger: createLogger('silent'), beatMs: 1000, ttlMs: 5000 });
    return { id, limiter, budget, busy: () => void limiter.acquire() };
  }
  type Inst = ReturnType<typeof instance>;

  /** Everyone beats (in the given order); after each single beat the shares in force must fit the budget. */
  async function beatAll(all: Inst[], advanceMs = 1000): Promise<void> {
    clock.advance(advanceMs);
    for (const i of all) {
      await i.budget.beat();
      const sum = all.reduce((s, x) => s + x.limiter.ceilingRate, 0);
      expect(sum).toBeLessThanOrEqual(TOTAL + 1e-9);
    }
  }

  it('one instance alone has the whole budget; a second one is fitted in before it sends; busy ones split it; a dead one’s share returns', async () => {
    const a = instance('a');
    await a.budget.start();
    expect(a.budget.share).toBe(TOTAL);
    a.busy(); // a digest is going out on a

    const b = instance('b');
    await b.budget.start();
    expect(b.budget.share).toBe(0.1); // not seen by the others yet: it sends nothing meanwhile
    await beatAll([a, b]);
    expect(a.budget.share).toBe(47.5); // b's floor (5%) is set aside at once
    await beatAll([b, a]);
    await beatAll([a, b]);
    expect(b.budget.share).toBe(2.5); // seen, idle: the floor

    // b starts a reminder batch: it announces it, a makes room, and only then does b take its half.
    b.busy();
    a.busy();
    await beatAll([b, a]);
    expect(a.budget.share).toBe(25);
    expect(b.budget.share).toBe(2.5);
    b.busy();
    a.busy();
    await beatAll([a, b]);
    b.busy();
    a.busy();
    await beatAll([b, a]);
    expect([a.budget.share, b.budget.share]).toEqual([25, 25]);

    // b finishes: it steps down to its floor at once, a takes the rest after seeing it.
    timers.t += 5000;
    a.busy();
    await beatAll([b, a]);
    expect(b.budget.share).toBe(2.5);
    expect(a.budget.share).toBe(47.5);

    // b dies (no more heartbeats): its row runs out and a has the whole budget again.
    a.busy();
    for (let i = 0; i < 6; i++) await beatAll([a]);
    expect(a.budget.share).toBe(TOTAL);
    expect(a.budget.liveInstances).toBe(1);
    await a.budget.stop();
  });

  it('a 429 on one instance holds every instance for its Retry-After; a graceful stop hands the share back at once', async () => {
    const a = instance('p');
    const b = instance('q');
    await a.budget.start();
    await b.budget.start();
    await beatAll([a, b]);
    await beatAll([a, b]);
    a.limiter.penalise(2000);
    await beatAll([a, b], 0);
    expect(b.limiter.pausedUntilMs).toBeGreaterThanOrEqual(timers.t + 1900);
    await b.budget.stop();
    await beatAll([a]);
    expect(a.budget.share).toBe(TOTAL);
    await a.budget.stop();
  });
});
