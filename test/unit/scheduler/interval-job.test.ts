import { createLogger } from '../../../src/logger';
import { createIntervalJob } from '../../../src/scheduler/interval-job';

describe('interval job', () => {
  afterEach(() => jest.useRealTimers());

  it('fires through the hour the clocks go back in London (node-cron fires nothing then)', async () => {
    jest.useFakeTimers({ now: new Date('2026-10-25T00:30:00Z') });
    const at: string[] = [];
    const job = createIntervalJob('t', 5 * 60_000, async () => void at.push(new Date().toISOString().slice(11, 16)), createLogger('silent'));
    job.start();
    await jest.advanceTimersByTimeAsync(90 * 60_000);
    await job.stop();
    expect(at).toHaveLength(18);
    expect(at).toEqual(expect.arrayContaining(['01:00', '01:30', '01:55']));
  });

  it('never overlaps a slow run, survives a failing run, and stop() waits for the run in progress', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let finished = 0;
    const job = createIntervalJob(
      't',
      1000,
      async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 2500));
        active--;
        finished++;
        if (runs === 1) throw new Error('first run fails');
      },
      createLogger('silent'),
    );
    job.start();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(maxActive).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    const stopping = job.stop();
    await jest.advanceTimersByTimeAsync(3000);
    await stopping;
    expect(active).toBe(0);
    expect(finished).toBe(runs);
  });
});
