import { DeliveryError } from '../../src/delivery/notifier';
import { startTestBot, type TestBot } from '../helpers/bot-harness';

/** The production Notifier (botbuilder proactive messaging) against the capture connector. */
describe('proactive sender', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  const target = () => ({ conversationId: 'a:proactive-1', serviceUrl: t.connector.url, tenantId: 'tenant-1', channelId: 'msteams' });

  it('sends a new message and returns the id the connector gave it; updates it in place', async () => {
    const { activityId } = await t.bot.deps.notifier.send(target(), { text: 'hello' });
    expect(activityId).toBe(t.connector.activities[0].id);
    expect(t.connector.activities[0].body.conversation).toEqual({ id: 'a:proactive-1', tenantId: 'tenant-1' });
    await t.bot.deps.notifier.update(target(), activityId!, { text: 'hello again' });
    const put = t.connector.activities.find((a) => a.method === 'PUT');
    expect(put).toMatchObject({ activityId, body: { text: 'hello again' } });
  });

  it('honours a 429 Retry-After (the connector client waits and retries) and delivers once', async () => {
    t.connector.fail({ conversationId: 'a:proactive-1', status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const { activityId } = await t.bot.deps.notifier.send(target(), { text: 'after a pause' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(t.connector.messagesTo('a:proactive-1').map((a) => a.id)).toEqual([activityId]);
  });

  it('surfaces persistent throttling as a DeliveryError 429 for the engine to handle', async () => {
    t.connector.fail({ conversationId: 'a:proactive-1', status: 429, headers: { 'retry-after': '0' }, times: 50 });
    const err = await t.bot.deps.notifier.send(target(), { text: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.status).toBe(429);
  });

  it('surfaces a 403 (bot blocked or removed) as a DeliveryError', async () => {
    t.connector.fail({ conversationId: 'a:proactive-1', status: 403 });
    const err = await t.bot.deps.notifier.send(target(), { text: 'x' }).catch((e) => e);
    expect(err).toMatchObject({ status: 403 });
  });
});
