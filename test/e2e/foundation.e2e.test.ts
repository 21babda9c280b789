import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/clock';
import { makeUser, startTestBot, type TestBot } from '../helpers/bot-harness';

const cardOf = (a: { body: Record<string, any> }) => a.body.attachments?.[0]?.content;
const cardText = (card: any): string => JSON.stringify(card);

describe('foundation over HTTP (real server, Azurite, capture connector)', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  it('welcomes a person on install and stores their conversation reference', async () => {
    const user = makeUser('Wendy Welcome');
    const res = await t.post({
      type: 'conversationUpdate',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
      recipient: { id: '28:bot', name: 'CSCP' },
      conversation: { id: t.personalConversationId(user), conversationType: 'personal', tenantId: 'tenant-1' },
      membersAdded: [{ id: '28:bot' }],
    });
    expect(res.status).toBe(200);
    const sent = t.connector.messagesTo(t.personalConversationId(user));
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(cardText(card)).toContain('Welcome to the CSCP assistant');
    for (const role of ['Practitioners', 'Newsletter subscribers', 'Training', 'DSLs']) expect(cardText(card)).toContain(role);

    const ref = await t.bot.deps.conversations.get('user', user.aadObjectId);
    expect(ref).toMatchObject({ conversationId: t.personalConversationId(user), serviceUrl: t.connector.url, tenantId: 'tenant-1', aadObjectId: user.aadObjectId });
  });

  it.each(['help', 'HELP', '/help', 'what can you do?'])('answers %p with the help card and buttons for each feature', async (text) => {
    const user = makeUser();
    await t.say(user, text);
    const sent = t.connector.messagesTo(t.personalConversationId(user));
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]);
    expect(cardText(card)).toContain('How I can help');
    const verbs = card.actions.map((a: any) => a.data?.verb);
    expect(verbs).toEqual(expect.arrayContaining(['subscribe', 'training', 'survey', 'escalate']));
  });

  it('answers an unknown slash command with help, never silence', async () => {
    const user = makeUser();
    await t.say(user, '/frobnicate');
    const sent = t.connector.messagesTo(t.personalConversationId(user));
    expect(sent).toHaveLength(1);
    expect(cardText(cardOf(sent[0]))).toContain('I don’t know that command');
  });

  it('stores a channel reference when the bot is added to a team', async () => {
    const user = makeUser();
    const channelId = `19:${randomUUID()}@thread.tacv2`;
    await t.post({
      type: 'conversationUpdate',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: user.id, aadObjectId: user.aadObjectId },
      recipient: { id: '28:bot' },
      conversation: { id: channelId, conversationType: 'channel', tenantId: 'tenant-1' },
      channelData: { team: { id: 'team-1' }, tenant: { id: 'tenant-1' } },
      membersAdded: [{ id: '28:bot' }],
    });
    const ref = await t.bot.deps.conversations.get('channel', channelId);
    expect(ref).toMatchObject({ kind: 'channel', conversationId: channelId, teamId: 'team-1' });
  });

  describe('bad input', () => {
    it('rejects malformed JSON with 400 and keeps serving', async () => {
      const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message",' });
      expect(res.status).toBe(400);
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).toBe(200);
    });

    it('rejects an activity with no from or conversation with 400', async () => {
      expect((await t.post({ type: 'message', text: 'hi', serviceUrl: t.connector.url })).status).toBe(400);
      expect((await t.post({ type: 'message', text: 'hi', serviceUrl: t.connector.url, conversation: { id: 'c' } })).status).toBe(400);
    });

    it('rejects a 2 MB body with 413 and keeps serving', async () => {
      const user = makeUser();
      const res = await fetch(`${t.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'x'.repeat(2 * 1024 * 1024), from: { id: user.id }, conversation: { id: 'c' }, serviceUrl: t.connector.url }),
      });
      expect(res.status).toBe(413);
      await t.say(user, 'help');
      expect(t.connector.messagesTo(t.personalConversationId(user))).toHaveLength(1);
    });

    it('accepts an unknown activity type without a reply or a crash', async () => {
      const user = makeUser();
      const res = await t.say(user, '', { type: 'somethingNew' });
      expect(res.status).toBe(200);
      expect(t.connector.messagesTo(t.personalConversationId(user))).toHaveLength(0);
    });

    it('answers an invoke with a missing value with 400', async () => {
      const user = makeUser();
      const res = await t.say(user, '', { type: 'invoke', name: 'adaptiveCard/action' });
      expect(res.status).toBe(400);
    });

    it('answers an empty message politely with the help card', async () => {
      const user = makeUser();
      await t.say(user, '   ');
      const sent = t.connector.messagesTo(t.personalConversationId(user));
      expect(sent).toHaveLength(1);
      expect(cardText(cardOf(sent[0]))).toContain('I didn’t catch a question');
    });

    it('answers a submit from an unknown button with help', async () => {
      const user = makeUser();
      await t.submit(user, { verb: 'noSuchVerb' });
      expect(cardText(cardOf(t.connector.messagesTo(t.personalConversationId(user))[0]))).toContain('no longer available');
    });
  });

  it('reports storage, document count and version on /healthz', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', storage: 'reachable', auth: 'off' });
    expect(typeof body.documents).toBe('number');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('with Bot Framework credentials configured', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 'secret-for-test', MicrosoftAppTenantId: randomUUID() });
  });
  afterAll(async () => t.stop());

  it('refuses an unsigned POST with 401 and runs nothing', async () => {
    const user = makeUser();
    const res = await t.say(user, 'help');
    expect(res.status).toBe(401);
    expect(t.connector.activities).toHaveLength(0);
    expect(await t.bot.deps.conversations.get('user', user.aadObjectId)).toBeUndefined();
  });

  it('refuses a malformed bearer token with 401', async () => {
    const res = await t.say(makeUser(), 'help', {});
    expect(res.status).toBe(401);
    const res2 = await t.post({ type: 'message' }, { authorization: 'Bearer not-a-jwt' });
    expect(res2.status).toBe(401);
  });

  it('refuses a forged (unsigned-algorithm) JWT with 401', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forged = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'https://api.botframework.com', aud: t.config.auth.appId })}.`;
    const user = makeUser();
    const res = await t.say(user, 'help', {});
    const res2 = await fetch(`${t.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` },
      body: JSON.stringify({ type: 'message', text: 'help', from: { id: user.id }, conversation: { id: 'c1' }, serviceUrl: t.connector.url, channelId: 'msteams' }),
    });
    expect(res.status).toBe(401);
    expect(res2.status).toBe(401);
    expect(t.connector.activities).toHaveLength(0);
  });
});

describe('conversation references over time', () => {
  let t: TestBot;
  const clock = new ManualClock('2026-11-23T10:00:00Z');
  beforeAll(async () => {
    t = await startTestBot({}, { clock });
  });
  afterAll(async () => t.stop());

  it('refreshes last seen every few minutes, and stores a changed serviceUrl at once', async () => {
    const user = makeUser();
    await t.say(user, 'help');
    const first = await t.bot.deps.conversations.get('user', user.aadObjectId);
    expect(first?.lastSeen).toBe('2026-11-23T10:00:00.000Z');

    clock.advance(60_000);
    await t.say(user, 'help');
    expect((await t.bot.deps.conversations.get('user', user.aadObjectId))?.lastSeen).toBe(first?.lastSeen);

    clock.advance(5 * 60_000);
    await t.say(user, 'help');
    expect((await t.bot.deps.conversations.get('user', user.aadObjectId))?.lastSeen).toBe('2026-11-23T10:06:00.000Z');

    clock.advance(1000);
    const moved = `${t.connector.url}moved/`;
    await t.say(user, 'help', { serviceUrl: moved });
    expect(await t.bot.deps.conversations.get('user', user.aadObjectId)).toMatchObject({ serviceUrl: moved, lastSeen: '2026-11-23T10:06:01.000Z' });
  });
});
