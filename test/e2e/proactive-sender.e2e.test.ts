import { DeliveryError } from '../../src/delivery/notifier';
import { startTestBot, type TestBot } from '../helpers/bot-harness';

/**
 * The production sender (bot/proactive-sender.ts: botbuilder's CloudAdapter and ConnectorClient) against the
 * capture connector over HTTP, and the delivery engine's pacing around it (deps.notifier).
 */
describe('proactive sender', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  const target = () => ({ conversationId: 'a:proactive-1', serviceUrl: t.connector.url, tenantId: 'tenant-1', channelId: 'msteams' });

  it('sends a new message and returns the id the connector gave it; updates it in place', async () => {
    const { activityId } = await t.bot.sender.send(target(), { text: 'hello' });
    expect(activityId).toBe(t.connector.activities[0].id);
    expect(t.connector.activities[0].body.conversation).toEqual({ id: 'a:proactive-1', tenantId: 'tenant-1' });
    await t.bot.sender.update(target(), activityId!, { text: 'hello again' });
    const put = t.connector.activities.find((a) => a.method === 'PUT');
    expect(put).toMatchObject({ activityId, body: { text: 'hello again' } });
  });

  it('makes exactly one request per call: botbuilder’s own retries are off (429 and 503 come straight back)', async () => {
    t.connector.fail({ conversationId: 'a:proactive-1', status: 429, headers: { 'retry-after': '2' }, times: 5 });
    const throttled = await t.bot.sender.send(target(), { text: 'x' }).catch((e) => e);
    expect(throttled).toBeInstanceOf(DeliveryError);
    expect(throttled).toMatchObject({ status: 429, retryAfterMs: 2000 }); // seconds, read as seconds
    expect(t.connector.requestsTo('a:proactive-1').map((r) => r.status)).toEqual([429]);

    t.connector.clear();
    t.connector.fail({ conversationId: 'a:proactive-1', status: 503, times: 5 });
    const unavailable = await t.bot.sender.send(target(), { text: 'x' }).catch((e) => e);
    expect(unavailable).toMatchObject({ status: 503 });
    expect(t.connector.requestsTo('a:proactive-1').map((r) => r.status)).toEqual([503]);
  });

  it('the engine honours Retry-After in seconds: the second attempt waits for it, and the message arrives once', async () => {
    t.connector.fail({ conversationId: 'a:proactive-1', status: 429, headers: { 'retry-after': '1' } });
    const { activityId } = await t.bot.deps.notifier.send(target(), { text: 'after a pause' });
    const [first, second] = t.connector.requestsTo('a:proactive-1');
    expect([first.status, second.status]).toEqual([429, 200]);
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(t.connector.messagesTo('a:proactive-1').map((a) => a.id)).toEqual([activityId]);
  });

  it('a 403 comes back with the connector’s code; blocked is not "conversation gone"', async () => {
    t.connector.fail({ conversationId: 'a:proactive-1', status: 403, code: 'ConversationBlockedByUser' });
    const err = await t.bot.sender.send(target(), { text: 'x' }).catch((e) => e);
    expect(err).toMatchObject({ status: 403, code: 'ConversationBlockedByUser' });
    expect(t.connector.requestsTo('a:proactive-1').map((r) => r.status)).toEqual([403]);
  });

  it('creates a person’s 1:1 chat again (createConversation) when theirs is gone, and delivers there', async () => {
    t.connector.gone.add('a:proactive-1');
    const gone = await t.bot.sender.send(target(), { text: 'x' }).catch((e) => e);
    expect(gone).toMatchObject({ status: 404, code: 'ConversationNotFound' });

    const made = await t.bot.sender.createPersonalConversation!({ ...target(), userId: '29:person-1' });
    expect(t.connector.created).toEqual([expect.objectContaining({ userId: '29:person-1', tenantId: 'tenant-1', id: made.conversationId })]);
    await t.bot.sender.send(made, { text: 'found you' });
    expect(t.connector.messagesTo(made.conversationId).map((a) => a.body.text)).toEqual(['found you']);

    // Through the engine's notifier the same happens by itself.
    const via = await t.bot.deps.notifier.send({ ...target(), userId: '29:person-2' }, { text: 'again' });
    const second = t.connector.created.find((c) => c.userId === '29:person-2')!;
    expect(t.connector.messagesTo(second.id).map((a) => a.id)).toEqual([via.activityId]);

    t.connector.cannotCreate.add('29:person-3');
    await expect(t.bot.sender.createPersonalConversation!({ ...target(), userId: '29:person-3' })).rejects.toMatchObject({ status: 403 });
  });
});
