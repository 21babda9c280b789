import { createLogger } from '../../../src/logger';
import { createTrainingScheduler, TRAINING_TICK_MS } from '../../../src/training/training.scheduler';

describe('training scheduler', () => {
  afterEach(() => jest.useRealTimers());

  const counting = (fail = false) => {
    const ticks: number[] = [];
    let failNext = fail;
    const scheduler = createTrainingScheduler(async (opts) => {
      expect(opts).toEqual({ wait: false }); // the scheduler never waits for the jobs a look starts
      ticks.push(Date.now());
      if (failNext) {
        failNext = false;
        throw new Error('storage down');
      }
      return { started: [], passedOver: [], resumed: [] };
    }, createLogger('silent'));
    return { ticks, scheduler };
  };

  it('looks every 15 s after start, survives a failing look, and stops', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-29T00:59:30Z') }); // across the spring clock change
    const { ticks, scheduler } = counting(true);
    scheduler.start();
    scheduler.start(); // idempotent: still one timer
    expect(TRAINING_TICK_MS).toBe(15_000);
    await jest.advanceTimersByTimeAsync(3 * 60_000 + 1000);
    expect(ticks.length).toBe(13); // at start (resume after a restart), then every 15 s
    await scheduler.stop();
    await jest.advanceTimersByTimeAsync(5 * 60_000);
    expect(ticks.length).toBe(13);
  });

  it('keeps ticking through the hour the clocks go back (node-cron skipped it)', async () => {
    jest.useFakeTimers({ now: new Date('2026-10-25T00:50:30Z') });
    const { ticks, scheduler } = counting();
    scheduler.start();
    await jest.advanceTimersByTimeAsync(80 * 60_000);
    await scheduler.stop();
    expect(ticks.length).toBe(321);
    expect(ticks.some((t) => new Date(t).toISOString().startsWith('2026-10-25T01:15'))).toBe(true);
  });
});
