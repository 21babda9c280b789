import { digestRenderer } from '../../../cards/digest-renderer';
import { createAdapter } from '../../../bot/adapter';
import { createProactiveSender } from '../../../bot/proactive-sender';
import { systemClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { createDeliveryEngine } from '../../../src/delivery/delivery.engine';
import { createDigestService } from '../../../src/digests/digest.service';
import { createLogger } from '../../../src/logger';
import type { Tables } from '../../../src/storage/tables';
import { CaptureConnector } from '../../helpers/connector';
import { testTables } from '../../helpers/storage';

/** The digest flow through the production sender (botbuilder's connector client) over HTTP to the capture connector. */
describe('digest delivery over HTTP', () => {
  let tables: Tables;
  let connector: CaptureConnector;
  const logger = createLogger('silent');
  const sender = createProactiveSender(createAdapter(testConfig(), logger), '', { timeoutMs: 5000 });
  beforeAll(async () => {
    tables = await testTables();
    connector = await new CaptureConnector().start();
  });
  afterAll(async () => {
    await connector.stop();
    await tables.dropAll();
  });

  it('three users and a channel get exactly one card each; unsubscribed gets none; 429 Retry-After honoured; 403 blocked (still subscribed)', async () => {
    // When each request left the sender, and when the sender saw the 429: the connector's arrival times alone
    // cannot say whether a request that arrived just after the 429 was already on its way (on a loaded machine
    // requests sent together arrive milliseconds apart).
    const started: { conversationId: string; at: number }[] = [];
    let saw429 = 0;
    const watched = <A extends [{ conversationId: string }, ...unknown[]], R>(call: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
      started.push({ conversationId: a[0].conversationId, at: Date.now() });
      try {
        return await call(...a);
      } catch (e) {
        if ((e as { status?: number }).status === 429 && !saw429) saw429 = Date.now();
        throw e;
      }
    };
    const notifier = {
      send: watched(sender.send.bind(sender)),
      update: watched(sender.update.bind(sender)),
    };
    const engine = createDeliveryEngine({ tables, notifier, clock: systemClock, logger, ratePerSecond: 20 });
    const digests = createDigestService({ tables, engine, notifier: engine.notifier, clock: systemClock, logger, render: digestRenderer, progressIntervalMs: 200 });
    const t = (id: string) => ({ conversationId: id, serviceUrl: connector.url, channelId: 'msteams', tenantId: 'tenant' });
    for (const u of ['a', 'b', 'c', 'd', 'blocker']) await digests.subscribe({ kind: 'user', key: `aad-${u}`, target: t(`a:conv-${u}`) });
    await digests.subscribe({ kind: 'channel', key: '19:team@thread.tacv2', target: t('19:team@thread.tacv2') });
    await digests.unsubscribe({ kind: 'user', key: 'aad-d' });
    connector.fail({ conversationId: 'a:conv-b', status: 429, headers: { 'retry-after': '1' } });
    connector.fail({ conversationId: 'a:conv-blocker', status: 403, code: 'ConversationBlockedByUser' });

    const d = await digests.create({ content: '## One\n\nFirst story. Details.\n\n## Two\n\nSecond story.', title: 'Winter newsletter', url: 'https://www.coventry.gov.uk/cscp', createdBy: 'admin' });
    const sendStarted = Date.now();
    await digests.sendNow(d.id, 'admin', { progressCard: { target: t('a:admin'), activityId: 'card-1' } });
    await digests.whenIdle();

    for (const id of ['a:conv-a', 'a:conv-b', 'a:conv-c', '19:team@thread.tacv2']) {
      const got = connector.messagesTo(id);
      expect(got).toHaveLength(1);
      expect(got[0].body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(got[0].body)).toContain('Winter newsletter');
    }
    expect(connector.messagesTo('a:conv-d')).toHaveLength(0);
    expect(connector.messagesTo('a:conv-blocker')).toHaveLength(0);
    expect(await digests.isSubscribed('user', 'aad-blocker')).toBe(true);
    // b was throttled once: one 429, then (Retry-After: 1 s later) the card; no request to anyone inside that second
    const [first429, accepted] = connector.requestsTo('a:conv-b');
    expect([first429.status, accepted.status]).toEqual([429, 200]);
    expect(accepted.at - first429.at).toBeGreaterThanOrEqual(950);
    expect(saw429).toBeGreaterThanOrEqual(first429.at);
    expect(started.filter((r) => r.at >= saw429 && r.at < saw429 + 950)).toEqual([]);
    expect(sendStarted).toBeLessThan(first429.at);
    const updates = connector.activities.filter((x) => x.method === 'PUT' && x.conversationId === 'a:admin');
    expect(updates.length).toBeGreaterThan(0);
    expect(JSON.stringify(updates[updates.length - 1].body)).toContain('Delivery report');
    expect((await digests.report(d.id)).progress).toMatchObject({ total: 5, sent: 4, blocked: 1, pending: 0 });
  });
});
