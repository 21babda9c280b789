import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import * as os from 'node:os';
import { ConfigError, loadConfig, testConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { startBot } from '../../../bot/main';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../../helpers/bot-harness';
import { testConnectionString, uniquePrefix } from '../../helpers/storage';
import { largestCard, MAX_CARD_BYTES, MAX_REQUEST_CPU_MS, postTimed, sharedActivity, tableCounts, textOf } from '../../helpers/trust';
import { validForm } from '../../unit/escalations/escalation-fixtures';

/** Issue 12, "Who may talk to it": the tenant allow-list (1) and authentication off only on loopback (2). */

const OUTSIDE = /only for organisations in the Coventry Safeguarding Children Partnership/;

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('tenant allow-list over HTTP', () => {
  let t: TestBot;
  const ours = makeUser('Olive Ours');
  beforeAll(async () => {
    t = await startTestBot({ ALLOWED_TENANT_IDS: 'tenant-1' });
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  /** A 1:1 activity from someone in another tenant. */
  const foreign = (user: TestUser, extra: Record<string, unknown>, tenant = 'tenant-evil') => ({
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: t.connector.url,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: '28:bot', name: 'CSCP' },
    conversation: { id: `a:foreign-${user.aadObjectId}`, conversationType: 'personal', tenantId: tenant },
    channelData: { tenant: { id: tenant } },
    ...extra,
  });

  const attacks: [string, (u: TestUser) => Record<string, unknown>][] = [
    ['a question', (u) => foreign(u, { type: 'message', text: 'what is the escalation policy?' })],
    ['raising an escalation', (u) => foreign(u, { type: 'message', value: { verb: 'escalationSubmit', ...validForm({ childSafeNow: 'no' }) } })],
    ['subscribing', (u) => foreign(u, { type: 'message', text: 'subscribe' })],
    ['logging a survey share', (u) => foreign(u, { type: 'message', value: { verb: 'surveyLog', submissionId: randomUUID(), agencyType: 'school', families: '40', method: 'email' } })],
    ['booking a place (Action.Execute)', (u) => foreign(u, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'trainingBook', data: { verb: 'trainingBook', sessionId: 'ts-abcdef123456' } } } })],
    ['installing the app', (u) => foreign(u, { type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }] })],
    ['a tenant named only in channelData', (u) => foreign(u, { type: 'message', text: 'help', conversation: { id: `a:x-${u.aadObjectId}`, conversationType: 'personal' } })],
    ['an allowed conversation tenant with another sender tenant', (u) => foreign(u, { type: 'message', text: 'help', conversation: { id: `a:y-${u.aadObjectId}`, conversationType: 'personal', tenantId: 'tenant-1' }, from: { id: u.id, aadObjectId: u.aadObjectId, tenantId: 'tenant-evil' } })],
    ['no tenant at all', (u) => foreign(u, { type: 'message', text: 'help', conversation: { id: `a:z-${u.aadObjectId}`, conversationType: 'personal' }, channelData: {} })],
  ];

  it.each(attacks)('refuses %s from another tenant with one polite line and stores nothing', async (_name, build) => {
    const before = await tableCounts(t);
    const stranger = makeUser('Sid Stranger');
    const activity = build(stranger);
    const res = await postTimed(t, activity);
    expect(res.status).toBe(200);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    const conversationId = (activity.conversation as { id: string }).id;
    const sent = t.connector.messagesTo(conversationId);
    if (activity.type === 'invoke') {
      expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
      expect(res.body.value).toMatch(OUTSIDE);
      expect(sent).toHaveLength(0);
    } else {
      expect(sent).toHaveLength(1);
      expect(sent[0].body.text).toMatch(OUTSIDE);
      expect(sent[0].body.text).toContain('call 999');
    }
    expect(await tableCounts(t)).toEqual(before);
    expect(await t.bot.deps.conversations.get('user', stranger.aadObjectId)).toBeUndefined();
    expect(largestCard(t)).toBeLessThan(MAX_CARD_BYTES);
  });

  it('serves people of the allowed tenant as before', async () => {
    await t.say(ours, 'help');
    const sent = t.connector.messagesTo(t.personalConversationId(ours));
    expect(sent).toHaveLength(1);
    expect(textOf(sent[0])).toContain('How I can help');
    expect(await t.bot.deps.conversations.get('user', ours.aadObjectId)).toMatchObject({ tenantId: 'tenant-1' });
  });

  describe('in a shared channel', () => {
    const channel = '19:shared-with-partners@thread.tacv2';
    const inside = makeUser('Ines Inside');
    const external = makeUser('Ext Ernal');
    const guest = makeUser('Gus Guest');
    beforeAll(() => {
      t.connector.addMember(channel, { id: inside.id, aadObjectId: inside.aadObjectId, tenantId: 'tenant-1', userRole: 'user' });
      t.connector.addMember(channel, { id: external.id, aadObjectId: external.aadObjectId, tenantId: 'tenant-other', userRole: 'user' });
      t.connector.addMember(channel, { id: guest.id, aadObjectId: guest.aadObjectId, tenantId: 'tenant-1', userRole: 'guest' });
    });
    const post = (u: TestUser, extra: Record<string, unknown>) => postTimed(t, sharedActivity(t, u, extra, { channel, channelType: 'shared' }));

    it('refuses an external member (their own tenant, from the channel roster) and stores nothing', async () => {
      const before = await tableCounts(t);
      const res = await post(external, { type: 'message', text: 'subscribe', id: randomUUID() });
      expect(res.status).toBe(200);
      const sent = t.connector.activities.filter((a) => a.conversationId.startsWith(channel));
      expect(sent).toHaveLength(1);
      expect(sent[0].body.text).toMatch(OUTSIDE);
      expect(await tableCounts(t)).toEqual(before);
      expect(t.connector.paths).toContain(`GET /v3/conversations/${channel}/members/${external.id}`);
    });

    it('refuses a guest, and an Action.Execute from an external member gets the line as its answer', async () => {
      const res = await post(guest, { type: 'message', text: 'escalate' });
      expect(t.connector.activities.filter((a) => a.conversationId.startsWith(channel)).map((a) => a.body.text)).toEqual([expect.stringMatching(OUTSIDE)]);
      expect(res.status).toBe(200);
      const invoke = await post(external, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'trainingBook', data: { verb: 'trainingBook', sessionId: 'ts-abcdef123456' } } } });
      expect(invoke.body.value).toMatch(OUTSIDE);
    });

    it('serves a member of the partnership in the same channel', async () => {
      await post(inside, { type: 'message', text: 'subscribe' });
      const sent = t.connector.activities.filter((a) => a.conversationId.startsWith(channel));
      expect(sent).toHaveLength(1);
      expect(textOf(sent[0])).not.toMatch(OUTSIDE);
      expect(await t.bot.deps.conversations.get('channel', channel)).toBeDefined();
    });
  });
});

describe('tenant allow-list configuration', () => {
  it('defaults to the bot registration’s own tenant', () => {
    const c = loadConfig({ MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 's', MicrosoftAppTenantId: 'ABC-Tenant' });
    expect(c.trust.allowedTenantIds).toEqual(['abc-tenant']);
    expect(loadConfig({ MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 's', MicrosoftAppTenantId: 'abc', ALLOWED_TENANT_IDS: 'one, two' }).trust.allowedTenantIds).toEqual(['one', 'two']);
  });

  it('refuses production open to every tenant', () => {
    const base = { NODE_ENV: 'production', MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 's', MicrosoftAppType: 'MultiTenant', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
    expect(problems(base).join('\n')).toMatch(/ALLOWED_TENANT_IDS: production needs/);
    expect(problems({ ...base, ALLOWED_TENANT_IDS: 'tenant-1' })).toEqual([]);
  });
});

describe('authentication off only on loopback', () => {
  it('listens on loopback by default without credentials, and on all interfaces with them', () => {
    expect(loadConfig({}).bindHost).toBe('127.0.0.1');
    expect(loadConfig({ MicrosoftAppId: randomUUID(), MicrosoftAppPassword: 's', MicrosoftAppTenantId: 't' }).bindHost).toBe('0.0.0.0');
  });

  it('refuses a network interface with authentication off unless explicitly allowed, and never in production', () => {
    expect(problems({ BIND_HOST: '0.0.0.0' }).join('\n')).toMatch(/BIND_HOST: authentication is off/);
    expect(problems({ BIND_HOST: '10.1.2.3' }).join('\n')).toMatch(/BIND_HOST/);
    expect(problems({ BIND_HOST: '::1' })).toEqual([]);
    expect(problems({ BIND_HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED_NETWORK: 'true' })).toEqual([]);
    expect(problems({ NODE_ENV: 'production', ALLOW_UNAUTHENTICATED_NETWORK: 'true' }).join('\n')).toMatch(/ALLOW_UNAUTHENTICATED_NETWORK: not allowed in production/);
  });

  it('an unauthenticated bot started with the defaults cannot be reached from another interface', async () => {
    const config = testConfig({ PORT: '0', AZURE_STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix() });
    expect(config.auth.enabled).toBe(false);
    const bot = await startBot(config, { logger: createLogger('silent'), noSchedulers: true });
    try {
      expect(bot.host).toBe('127.0.0.1');
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      // Where the machine has a network address, a connection to it is refused (nothing listens there).
      if (external) {
        const refused = await new Promise<boolean>((resolve) => {
          const s = net.connect({ host: external.address, port: bot.port, timeout: 2000 });
          s.once('connect', () => (s.destroy(), resolve(false)));
          s.once('error', () => resolve(true));
          s.once('timeout', () => (s.destroy(), resolve(true)));
        });
        expect(refused).toBe(true);
      }
      const health = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
      expect((await health.json()).auth).toBe('off');
    } finally {
      await bot.stop();
      await bot.deps.tables.dropAll();
    }
  });
});
