import { createLogger } from '../../../src/logger';
import { createTrainingScheduler } from '../../../src/training/training.scheduler';

describe('training scheduler (node-cron)', () => {
  afterEach(() => jest.useRealTimers());

  it('ticks once a minute after start, survives a failing tick, and stops', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-29T00:59:30Z') }); // across the spring clock change
    const ticks: number[] = [];
    let fail = true;
    const scheduler = createTrainingScheduler(async () => {
      ticks.push(Date.now());
      if (fail) {
        fail = false;
        throw new Error('storage down');
      }
      return { started: [], passedOver: [], resumed: [] };
    }, createLogger('silent'));
    scheduler.start();
    scheduler.start(); // idempotent: still one task
    await jest.advanceTimersByTimeAsync(3 * 60_000 + 1000);
    expect(ticks.length).toBe(3);
    scheduler.stop();
    await jest.advanceTimersByTimeAsync(5 * 60_000);
    expect(ticks.length).toBe(3);
  });
});
