import { createDigestScheduler, DIGEST_TICK_MS } from '../../../../../bot/features/digests/digest.scheduler';
import type { DigestService } from '../../../../../src/digests/digest.service';
import { createLogger } from '../../../../../src/logger';

describe('digest scheduler (every 5 s)', () => {
  afterEach(() => jest.useRealTimers());

  it('ticks at once on start, then every 5 s straight through the October clock change; survives a failing tick; stops', async () => {
    // 00:59:50Z on 25 October 2026: London's 01:00–02:00 happens twice. node-cron skipped this hour.
    jest.useFakeTimers({ now: new Date('2026-10-25T00:59:50Z') });
    const ticks: number[] = [];
    let fail = true;
    const svc = {
      tick: async () => {
        ticks.push(Date.now());
        if (fail) {
          fail = false;
          throw new Error('storage down');
        }
        return { started: [], resumed: [] };
      },
    } as unknown as DigestService;
    const scheduler = createDigestScheduler(svc, createLogger('silent'));
    scheduler.start();
    scheduler.start(); // idempotent: still one timer
    await jest.advanceTimersByTimeAsync(100);
    expect(ticks).toHaveLength(1); // the start-up pass (it failed; the schedule goes on)
    expect(DIGEST_TICK_MS).toBe(5000);
    await jest.advanceTimersByTimeAsync(2 * 3600_000);
    expect(ticks).toHaveLength(1 + 1440);
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
    expect(Math.max(...gaps)).toBe(5000);
    await scheduler.stop();
    await jest.advanceTimersByTimeAsync(5 * 60_000);
    expect(ticks).toHaveLength(1441);
  });

  it('never runs two passes at once when one is slow', async () => {
    jest.useFakeTimers({ now: new Date('2026-10-20T10:00:00Z') });
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const svc = {
      tick: async () => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 75_000));
        active--;
        return { started: [], resumed: [] };
      },
    } as unknown as DigestService;
    const scheduler = createDigestScheduler(svc, createLogger('silent'));
    scheduler.start();
    await jest.advanceTimersByTimeAsync(5 * 60_000);
    expect(maxActive).toBe(1);
    expect(calls).toBeGreaterThanOrEqual(3);
    const stopped = scheduler.stop();
    await jest.advanceTimersByTimeAsync(75_000);
    await stopped;
  });
});
