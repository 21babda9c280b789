import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { testConfig } from '../../../src/config';
import type { EscalationsFeature } from '../../../bot/features/escalations.feature';
import { serviceUrlAllowed } from '../../../bot/trust';
import { makeUser, startTestBot, type TestBot } from '../../helpers/bot-harness';
import { ForbiddenHost, MAX_REQUEST_CPU_MS, postTimed, tableCounts } from '../../helpers/trust';
import { validForm } from '../../unit/escalations/escalation-fixtures';

/**
 * Issue 12, "Where it calls out": the bot calls only Teams' connector hosts (7) and the allowed file hosts (8),
 * never a host an activity names. Here the loopback exception is off: 127.0.0.1 (the capture connector and the
 * file server) is listed, and the forbidden host on 127.0.0.2 must never see a request.
 */

describe('service URLs and file hosts, over HTTP', () => {
  const admin = makeUser('Ada Admin');
  const sam = makeUser('Sam Team');
  const dsl = makeUser('Dana Lead');
  let t: TestBot;
  let evil: ForbiddenHost;
  let files: http.Server;
  let filesUrl = '';

  beforeAll(async () => {
    evil = await new ForbiddenHost().start();
    files = http.createServer((req, res) => {
      if (req.url === '/redirect-away') {
        res.writeHead(302, { location: `${evil.url}newsletter.md` });
        return void res.end();
      }
      if (req.url === '/slow') return; // never answers
      res.writeHead(200, { 'content-type': 'text/markdown' });
      res.end('# Newsletter\n\n## Item\n\nText of the item.');
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    t = await startTestBot(
      { ADMIN_IDS: admin.aadObjectId, ESCALATION_TEAM_IDS: sam.aadObjectId, ALLOWED_SERVICE_URL_HOSTS: '127.0.0.1', FILE_HOSTS: '127.0.0.1', FILE_TIMEOUT_MS: '1000' },
      { configure: (c) => void (c.trust.allowLoopback = false) },
    );
    await t.say(admin, 'help');
  });
  afterAll(async () => {
    await t.stop();
    await evil.stop();
    files.closeAllConnections?.();
    await new Promise<void>((r) => files.close(() => r()));
  });
  beforeEach(() => t.connector.clear());

  it.each([
    ['another loopback address', () => evil.url],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private-range address', () => 'http://10.0.0.5/'],
    ['another https host', () => 'https://evil.example/'],
    ['a look-alike of the Teams host', () => 'https://smba.trafficmanager.net.evil.example/uk/'],
    ['credentials in the URL', () => 'https://user:pass@smba.trafficmanager.net/uk/'],
    ['another scheme', () => 'ftp://127.0.0.1/', 400],
  ] as [string, () => string, number?][])('an activity naming %s as its serviceUrl is refused and nothing is stored or called', async (_n, url, status = 403) => {
    const before = await tableCounts(t, ['Conversations', 'Subscriptions']);
    const user = makeUser();
    const res = await postTimed(t, {
      type: 'message',
      id: randomUUID(),
      text: 'subscribe',
      channelId: 'msteams',
      serviceUrl: url(),
      from: { id: user.id, aadObjectId: user.aadObjectId },
      recipient: { id: '28:bot' },
      conversation: { id: `a:${user.aadObjectId}`, conversationType: 'personal', tenantId: 'tenant-1' },
    });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(/serviceUrl/);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    expect(await tableCounts(t, ['Conversations', 'Subscriptions'])).toEqual(before);
    expect(evil.hits).toEqual([]);
    expect(t.connector.activities).toHaveLength(0);
  });

  it('a stored reference to another host (from an earlier unauthenticated run) is never sent to', async () => {
    // An escalation whose submitter's stored chat points at the forbidden host.
    const svc = (t.bot.deps.features.escalations as EscalationsFeature).service;
    const { record } = await svc.submit({
      input: validForm(),
      submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name },
      submitterTarget: { conversationId: 'a:dsl', serviceUrl: evil.url, tenantId: 'tenant-1', channelId: 'msteams' },
    });
    await expect(t.bot.deps.notifier.send({ conversationId: 'a:dsl', serviceUrl: evil.url, channelId: 'msteams' }, { text: 'hello' })).rejects.toMatchObject({ status: 400 });
    // The team's action still goes through; only the notification to the forbidden host is refused.
    const res = await t.post({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: sam.id, aadObjectId: sam.aadObjectId, name: sam.name },
      recipient: { id: '28:bot' },
      conversation: { id: 'a:sam', conversationType: 'personal', tenantId: 'tenant-1' },
      value: { action: { type: 'Action.Execute', verb: 'escalationAck', data: { verb: 'escalationAck', escalationId: record.id } } },
    });
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect((await svc.get(record.id))!.record.status).toBe('acknowledged');
    expect(evil.hits).toEqual([]);
  });

  const attach = (contentUrl: string) =>
    postTimed(t, {
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: admin.id, aadObjectId: admin.aadObjectId, name: admin.name },
      recipient: { id: '28:bot' },
      conversation: { id: t.personalConversationId(admin), conversationType: 'personal', tenantId: 'tenant-1' },
      attachments: [{ contentType: 'text/markdown', name: 'autumn.md', contentUrl }],
    });

  it.each([
    ['on another host', () => `${evil.url}autumn.md`],
    ['that redirects to another host', () => `${filesUrl}/redirect-away`],
    ['on cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('a newsletter file %s is refused without calling it, and no draft is made', async (_n, url) => {
    const before = await tableCounts(t, ['Digests']);
    const res = await attach(url());
    expect(res.status).toBe(200);
    const said = t.connector.messagesTo(t.personalConversationId(admin)).map((m) => m.body.text).join('\n');
    expect(said).toMatch(/only download files that Teams shares/);
    expect(await tableCounts(t, ['Digests'])).toEqual(before);
    expect(evil.hits).toEqual([]);
  });

  it('a file host that does not answer is given up after FILE_TIMEOUT_MS', async () => {
    const started = Date.now();
    await attach(`${filesUrl}/slow`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(t.connector.messagesTo(t.personalConversationId(admin)).map((m) => m.body.text).join('\n')).toMatch(/could not download that file/);
  });

  it('a file from an allowed host is read', async () => {
    await attach(`${filesUrl}/ok.md`);
    expect(JSON.stringify(t.connector.messagesTo(t.personalConversationId(admin)))).toContain('Preview');
  });

  it('a CSV upload URL on another host gets no file (file consent accepted)', async () => {
    const res = await postTimed(t, {
      type: 'invoke',
      name: 'fileConsent/invoke',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: admin.id, aadObjectId: admin.aadObjectId, name: admin.name },
      recipient: { id: '28:bot' },
      conversation: { id: t.personalConversationId(admin), conversationType: 'personal', tenantId: 'tenant-1' },
      value: { type: 'fileUpload', action: 'accept', context: { kind: 'survey-reach-csv' }, uploadInfo: { name: 'reach.csv', uploadUrl: `${evil.url}upload`, contentUrl: `${evil.url}file`, uniqueId: 'x', fileType: 'csv' } },
    });
    expect(res.status).toBe(200);
    expect(evil.hits).toEqual([]);
    expect(t.connector.messagesTo(t.personalConversationId(admin)).map((m) => m.body.text).join('\n')).toMatch(/nothing was uploaded/);
  });
});

describe('the serviceUrl allow-list', () => {
  it('accepts Teams’ connector hosts (public cloud, GCC, GCC High, DoD) over https, and loopback outside production only', () => {
    const c = testConfig();
    for (const u of ['https://smba.trafficmanager.net/uk/', 'https://smba.trafficmanager.net/teams/', 'https://smba.infra.gcc.teams.microsoft.com/teams', 'https://smba.infra.gov.teams.microsoft.us/teams', 'https://smba.infra.dod.teams.microsoft.us/teams']) {
      expect({ u, ok: serviceUrlAllowed(u, c) }).toEqual({ u, ok: true });
    }
    for (const u of ['http://smba.trafficmanager.net/uk/', 'https://smba.trafficmanager.net@evil.example/', 'https://evil-smba.trafficmanager.net.example/', 'javascript:alert(1)', '']) {
      expect({ u, ok: serviceUrlAllowed(u, c) }).toEqual({ u, ok: false });
    }
    expect(serviceUrlAllowed('http://127.0.0.1:56150/_connector', c)).toBe(true);
    expect(serviceUrlAllowed('http://127.0.0.1:56150/_connector', { trust: { ...c.trust, allowLoopback: false } })).toBe(false);
  });
});
