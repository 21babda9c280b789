import { systemClock } from '../../../src/clock';
import { createDeliveryEngine } from '../../../src/delivery/delivery.engine';
import { OutboxStore } from '../../../src/delivery/outbox.store';
import { SubscriptionStore } from '../../../src/digests/subscription.store';
import { createLogger } from '../../../src/logger';
import { createTables, type Tables } from '../../../src/storage/tables';
import { CaptureNotifier, target } from '../../helpers/capture-notifier';
import { OwnAzurite } from '../../helpers/own-azurite';

/**
 * Storage is not a delivery outcome: the Table service goes away in the middle of a fan-out (Azurite stopped for
 * 9 s, longer than the storage client's own retries) and comes back. Every row that could not be checked, claimed
 * or recorded waits and is retried; nobody is marked failed for it, nobody gets the message twice.
 */
describe('delivery through a storage outage (Azurite stopped and restarted mid-send)', () => {
  const azurite = new OwnAzurite();
  let tables: Tables;
  beforeAll(async () => {
    await azurite.start();
    tables = createTables(azurite.connectionString, 'outage');
    await tables.ensureAll();
  }, 30_000);
  afterAll(async () => azurite.stop());

  it('delivers to every recipient exactly once and records every row as sent', async () => {
    const N = 240;
    const subs = new SubscriptionStore(tables.client('Subscriptions'));
    const keys = Array.from({ length: N }, (_, i) => `u${String(i).padStart(3, '0')}`);
    for (const k of keys) await subs.subscribe('user', k, target(`conv-${k}`), undefined, new Date().toISOString());
    const notifier = new CaptureNotifier();
    const engine = createDeliveryEngine({ tables, notifier, clock: systemClock, logger: createLogger('silent'), ratePerSecond: 40 });
    await engine.enqueue('job-outage', keys.map((k) => ({ key: k, target: target(`conv-${k}`) })));

    // The subscription check is a storage read before every send, as in a digest.
    const run = engine.run('job-outage', () => ({ text: 'digest' }), { shouldSend: (k) => subs.isSubscribed('user', k) });
    while (notifier.sends.length < 60) await new Promise((r) => setTimeout(r, 20));
    const sentBefore = notifier.sends.length;
    await azurite.restart(9000);
    const summary = await run;

    const received = notifier.sends.map((s) => s.target.conversationId);
    expect(new Set(received).size).toBe(N);
    expect(received).toHaveLength(N);
    expect(sentBefore).toBeLessThan(N / 2);
    expect(summary.storageRetries).toBeGreaterThan(0);
    expect(summary.outcomes).toEqual({ sent: N });
    const progress = await engine.progress('job-outage');
    expect(progress).toMatchObject({ total: N, sent: N, failed: 0, skipped: 0, pending: 0, done: true });
    const rows = new OutboxStore(tables.client('Outbox'));
    expect(await rows.countOpen('job-outage')).toBe(0);
  }, 90_000);
});
