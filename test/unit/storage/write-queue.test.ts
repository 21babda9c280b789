import { createLogger } from '../../../src/logger';
import { WriteQueue } from '../../../src/storage/write-queue';

const logger = createLogger('silent');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('bookkeeping write queue', () => {
  it('retries a write through a storage outage (no status: unreachable) and writes it once storage is back', async () => {
    let up = false;
    const written: string[] = [];
    const q = new WriteQueue({ logger, sleep: () => sleep(5) });
    q.push('answer log', async () => {
      if (!up) throw refused();
      written.push('a');
    });
    await sleep(50);
    expect(written).toEqual([]);
    expect(q.size).toBe(1);
    up = true;
    await q.idle();
    expect(written).toEqual(['a']);
    expect(q.stats).toMatchObject({ done: 1, failed: 0 });
    expect(q.stats.retried).toBeGreaterThan(0);
  });

  it('gives up on a write storage refuses for good (400) and drops new ones when full, never throwing', async () => {
    const q = new WriteQueue({ logger, maxSize: 2, concurrency: 1, sleep: () => sleep(5) });
    let release!: () => void;
    q.push('slow', () => new Promise<void>((r) => (release = r))); // in flight
    q.push('bad', async () => {
      throw Object.assign(new Error('bad request'), { statusCode: 400 });
    });
    q.push('a', async () => undefined);
    expect(q.push('c', async () => undefined)).toBe(false); // two waiting: full
    expect(q.stats.dropped).toBe(1);
    await sleep(20);
    release();
    await q.idle();
    expect(q.stats).toMatchObject({ failed: 1, done: 2, dropped: 1 });
  });

  it('holds writes while people are being answered (up to maxHoldMs), then writes them one at a time; all at once when idle', async () => {
    let busy = true;
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    const q = new WriteQueue({ logger, concurrency: 4, maxHoldMs: 300, holdWhile: () => busy });
    const started = Date.now();
    for (let i = 0; i < 6; i++) {
      q.push('w', async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(20);
        inFlight -= 1;
        done.push(Date.now() - started);
      });
    }
    await sleep(150);
    expect(done).toEqual([]); // held: the answers go first
    await sleep(400);
    expect(done.length).toBeGreaterThan(0); // held no longer than maxHoldMs
    expect(most).toBe(1); // still busy: one at a time
    busy = false;
    for (let i = 0; i < 8; i++) q.push('w', async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(20);
      inFlight -= 1;
    });
    await q.idle();
    expect(most).toBe(4); // idle: full concurrency
  });

  it('an urgent write (where to reach a person) is not held behind answer logs while people are being answered', async () => {
    const order: string[] = [];
    const q = new WriteQueue({ logger, concurrency: 1, maxHoldMs: 5000, holdWhile: () => true });
    q.push('answer log', async () => void order.push('log'));
    q.push('conversation reference', async () => void order.push('conversation'), { urgent: true });
    await sleep(100);
    expect(order).toEqual(['conversation']);
    expect(q.size).toBe(1); // the answer log still waits for the answers
  });
});
