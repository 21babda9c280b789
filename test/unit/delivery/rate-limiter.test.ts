import { ConversationRateLimiter, GlobalRateLimiter, type LimiterTimers } from '../../../src/delivery/rate-limiter';

/** Virtual time: sleeping advances the clock, so pacing is checked exactly and instantly. */
function virtualTimers(): LimiterTimers & { t: number } {
  const v = {
    t: 0,
    now: () => v.t,
    sleep: async (ms: number) => {
      v.t += Math.max(0, ms);
      await Promise.resolve();
    },
  };
  return v;
}

describe('GlobalRateLimiter', () => {
  it('never lets more than the rate through in any one-second window', async () => {
    const timers = virtualTimers();
    const limiter = new GlobalRateLimiter({ ratePerSecond: 50, timers });
    const at: number[] = [];
    for (let i = 0; i < 500; i++) {
      await limiter.acquire();
      at.push(timers.t);
    }
    for (let i = 50; i < at.length; i++) expect(at[i] - at[i - 50]).toBeGreaterThanOrEqual(1000 - 1e-6);
    expect(at[499]).toBeLessThanOrEqual(499 * (1000 / (50 * 0.97)) + 1e-6); // and no slower than 97% of the rate (timer-jitter headroom)
  });

  it('does not burst past the rate when catching up after a stall', async () => {
    const timers = virtualTimers();
    const limiter = new GlobalRateLimiter({ ratePerSecond: 50, timers });
    const at: number[] = [];
    for (let i = 0; i < 300; i++) {
      if (i % 37 === 0) timers.t += 45; // the event loop was busy for 45 ms
      await limiter.acquire();
      at.push(timers.t);
    }
    for (let i = 50; i < at.length; i++) expect(at[i] - at[i - 50]).toBeGreaterThanOrEqual(1000);
  });

  it('holds everyone for Retry-After on a 429, slows down, then recovers', async () => {
    const timers = virtualTimers();
    const limiter = new GlobalRateLimiter({ ratePerSecond: 50, timers, recoveryAfterMs: 5000 });
    await limiter.acquire();
    const before = timers.t;
    limiter.penalise(2000);
    limiter.penalise(2000); // several in-flight 429s at once count as one signal
    expect(limiter.currentRate).toBe(22.5); // a 429 after one request: at most half the pace at once (× 0.9)
    await limiter.acquire();
    expect(timers.t - before).toBeGreaterThanOrEqual(2000);
    timers.t += 6000;
    await limiter.acquire();
    expect(limiter.currentRate).toBeGreaterThan(22.5);
  });

  it('after a 429 paces just under what the server let through, then probes above it slowly', async () => {
    const timers = virtualTimers();
    const limiter = new GlobalRateLimiter({ ratePerSecond: 50, timers });
    // The server allows 10 a second: ten requests in the first 200 ms, then a 429.
    for (let i = 0; i < 11; i++) await limiter.acquire();
    limiter.penalise(2000);
    expect(limiter.currentRate).toBeCloseTo(22.5); // 11 seen, but never below half the pace at once
    timers.t += 1500;
    for (let i = 0; i < 10; i++) await limiter.acquire();
    timers.t += 100;
    limiter.penalise(2000); // the second 429: about 10 in the last second (halving at most: 11.25 seen)
    expect(limiter.currentRate).toBeCloseTo(11.25 * 0.9);
    const after = limiter.currentRate;
    const rates: number[] = [];
    for (let s = 0; s < 30; s++) {
      timers.t += 1000;
      await limiter.acquire();
      rates.push(limiter.currentRate);
    }
    expect(Math.max(...rates.slice(0, 4))).toBeLessThanOrEqual(11.25 * 0.95 + 1e-9); // back to just under it within seconds
    expect(rates[3]).toBeGreaterThan(after);
    expect(rates[29]).toBeLessThan(16); // then only slowly above it (+1% of the ceiling every 3 s)
  });

  it('when its share of the budget grows after a 429 (another instance went idle), it climbs to the new share', async () => {
    const timers = virtualTimers();
    const limiter = new GlobalRateLimiter({ ratePerSecond: 25, timers });
    for (let i = 0; i < 25; i++) await limiter.acquire();
    limiter.penalise(1000); // seen at a share of 25
    limiter.setCeiling(47.5); // the other instance finished its fan-out
    for (let s = 0; s < 30; s++) {
      timers.t += 1000;
      await limiter.acquire();
    }
    expect(limiter.currentRate).toBeGreaterThan(40);
  });
});

describe('ConversationRateLimiter', () => {
  it('keeps one conversation within 7/s, 8/2s and 60/30s', async () => {
    const timers = virtualTimers();
    const limiter = new ConversationRateLimiter(undefined, timers);
    const at: number[] = [];
    for (let i = 0; i < 70; i++) {
      await limiter.acquire('c1');
      at.push(timers.t);
    }
    const count = (from: number, ms: number) => at.filter((t) => t >= from && t < from + ms).length;
    for (const t of at) {
      expect(count(t, 1000)).toBeLessThanOrEqual(7);
      expect(count(t, 2000)).toBeLessThanOrEqual(8);
      expect(count(t, 30_000)).toBeLessThanOrEqual(60);
    }
    expect(at[69]).toBeGreaterThanOrEqual(30_000); // the 61st had to wait for the 30 s window
  });

  it('does not hold up other conversations', async () => {
    const timers = virtualTimers();
    const limiter = new ConversationRateLimiter(undefined, timers);
    for (let i = 0; i < 100; i++) await limiter.acquire(`c${i}`);
    expect(timers.t).toBe(0);
  });
});
