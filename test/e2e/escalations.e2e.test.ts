import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../src/clock';
import { azuriteConnectionString } from '../../src/config';
import { createTables } from '../../src/storage/tables';
import type { EscalationsFeature } from '../../bot/features/escalations.feature';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness';
import type { CapturedActivity } from '../helpers/connector';
import { validateCard } from '../helpers/card-validator';
import { validForm as validFixtureForm } from '../unit/escalations/escalation-fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite, freePort } = require('../../scripts/azurite.js');

const CHANNEL = '19:escalation-team@thread.tacv2';
const TEAM = '19:team-general@thread.tacv2';
const cardOf = (a: { body: Record<string, any> }) => a.body.attachments?.[0]?.content;
const textOf = (a: CapturedActivity) => JSON.stringify(a.body);

/** The domain fixtures' valid form, as the card submits it (with its verb). */
const validForm = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ verb: 'escalationSubmit', ...validFixtureForm(), ...extra });

/** Activities from the escalation team's channel (a Teams channel in team TEAM). */
function channelActivity(t: TestBot, user: TestUser, extra: Record<string, unknown>, serviceUrl = t.connector.url) {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: '28:bot', name: 'CSCP' },
    conversation: { id: `${CHANNEL};messageid=1700000000000`, conversationType: 'channel', tenantId: 'tenant-1' },
    channelData: { team: { id: TEAM }, channel: { id: CHANNEL }, tenant: { id: 'tenant-1' } },
    locale: 'en-GB',
    ...extra,
  };
}

/** An Action.Execute click on a card in the channel: an `adaptiveCard/action` invoke; the reply is the HTTP body. */
function execute(t: TestBot, user: TestUser, verb: string, data: Record<string, unknown>, replyToId?: string, serviceUrl?: string) {
  return t.post(
    channelActivity(t, user, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } },
      ...(replyToId ? { replyToId } : {}),
    }, serviceUrl),
  );
}

/** Opens the form in the user's 1:1 chat and returns the form message's id (the submit's replyToId). */
async function openForm(t: TestBot, user: TestUser): Promise<string> {
  await t.say(user, 'escalate');
  const sent = t.connector.messagesTo(t.personalConversationId(user));
  const form = sent[sent.length - 1];
  expect(JSON.stringify(cardOf(form))).toContain('Escalate a concern');
  return form.id;
}

async function rows(t: TestBot, table: 'Escalations' | 'EscalationHistory' | 'Counters'): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  for await (const r of t.bot.deps.tables.client(table).listEntities()) out.push(r);
  return out;
}
const records = async (t: TestBot) => (await rows(t, 'Escalations')).filter((r) => String(r.rowKey).startsWith('ESC-'));

const feature = (t: TestBot) => t.bot.deps.features.escalations as EscalationsFeature;

/** Submits a valid escalation from `user` and returns its reference and the channel card's activity id. */
async function raise(t: TestBot, user: TestUser, extra: Record<string, unknown> = {}): Promise<{ id: string; channelActivityId: string }> {
  const formId = await openForm(t, user);
  await t.submit(user, validForm(extra), formId);
  const put = t.connector.activities.find((a) => a.method === 'PUT' && a.activityId === formId);
  const id = /ESC-\d{4}-\d{4}/.exec(textOf(put!))![0];
  const rec = await feature(t).service.get(id);
  return { id, channelActivityId: rec!.record.channelActivityId! };
}

describe('escalations over HTTP (real server, Azurite, capture connector)', () => {
  const admin = makeUser('Ada Admin');
  const sam = makeUser('Sam Team');
  const kim = makeUser('Kim Team');
  const dsl = makeUser('Dana Lead');
  const outsider = makeUser('Olly Outsider');
  const clock = new ManualClock('2026-03-10T10:00:00Z'); // a Tuesday, 10:00 in London
  let t: TestBot;

  beforeAll(async () => {
    t = await startTestBot(
      { ADMIN_IDS: admin.aadObjectId, ESCALATION_TEAM_IDS: `${sam.aadObjectId},${kim.aadObjectId}` },
      { clock, noSchedulers: true },
    );
    await t.post(channelActivity(t, admin, { type: 'message', text: '<at>CSCP</at> escalations here' }));
    expect(JSON.stringify(t.connector.messagesTo(`${CHANNEL};messageid=1700000000000`))).toContain('new escalations will be posted in this channel');
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  it('only admins can choose the team channel', async () => {
    await t.post(channelActivity(t, outsider, { type: 'message', text: 'escalations here' }));
    expect(JSON.stringify(t.connector.activities)).toContain('only CSCP admins');
    expect((await feature(t).service.teamChannel())?.conversationId).toBe(CHANNEL);
  });

  it('refuses a submission with missing fields: field errors on the re-rendered form (PUT), nothing written', async () => {
    const formId = await openForm(t, dsl);
    const before = await rows(t, 'Counters');
    await t.submit(dsl, { verb: 'escalationSubmit', submissionId: randomUUID(), type: 'decision', otherAgency: 'MASH', childSafeNow: 'no' }, formId);

    const put = t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === formId);
    expect(put).toHaveLength(1);
    const card = cardOf(put[0]);
    expect(validateCard(card)).toEqual([]);
    const s = JSON.stringify(card);
    expect(s).toContain('Please fill in the decision or issue');
    expect(s).toContain('Please fill in the outcome you want');
    expect(s).toContain('Please fill in how we can contact you');
    expect(s).toContain('If a child is in immediate danger, call 999'); // "no" shows the emergency route at once
    expect(s).toContain('"value":"MASH"'); // answers kept
    expect(await records(t)).toHaveLength(0);
    expect(await rows(t, 'Counters')).toEqual(before);
    expect(t.connector.messagesTo(CHANNEL)).toHaveLength(0);
  });

  it('stores a valid one, posts it to the channel and acknowledges the submitter with its reference', async () => {
    const formId = await openForm(t, dsl);
    const form = validForm();
    await t.submit(dsl, form, formId);

    const ack = t.connector.activities.find((a) => a.method === 'PUT' && a.activityId === formId)!;
    expect(validateCard(cardOf(ack))).toEqual([]);
    const id = /Saved: reference (ESC-2026-\d{4})/.exec(textOf(ack))![1];

    const posted = t.connector.messagesTo(CHANNEL);
    expect(posted).toHaveLength(1);
    expect(posted[0].method).toBe('POST');
    const teamCard = cardOf(posted[0]);
    expect(validateCard(teamCard)).toEqual([]);
    expect(JSON.stringify(teamCard)).toContain(`Escalation ${id}`);
    expect(teamCard.actions.map((a: any) => a.verb ?? a.title)).toEqual(expect.arrayContaining(['escalationAck', 'escalationAssign']));
    // The acknowledgement comes after the channel post, i.e. after the record was committed.
    expect(ack.at).toBeGreaterThanOrEqual(posted[0].at);

    const stored = await feature(t).service.get(id);
    expect(stored!.record).toMatchObject({ id, submissionId: form.submissionId, status: 'new', urgent: false, channelActivityId: posted[0].id });
    expect(stored!.record.submitter.aadObjectId).toBe(dsl.aadObjectId);
    expect(stored!.history.map((h) => h.action)).toEqual(['created']);
  });

  it("a team member's Acknowledge (Action.Execute) updates the channel card in place and notifies the submitter", async () => {
    const { id, channelActivityId } = await raise(t, dsl);
    t.connector.clear();

    const res = await execute(t, sam, 'escalationAck', { escalationId: id }, channelActivityId);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(validateCard(res.body.value)).toEqual([]);
    expect(JSON.stringify(res.body.value)).toContain('Sam Team acknowledged it');

    const puts = t.connector.activities.filter((a) => a.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ conversationId: CHANNEL, activityId: channelActivityId });
    expect(JSON.stringify(cardOf(puts[0]))).toContain('Acknowledged');

    await t.connector.waitFor(() => t.connector.messagesTo(t.personalConversationId(dsl)).length > 0);
    const told = t.connector.messagesTo(t.personalConversationId(dsl));
    expect(told).toHaveLength(1);
    expect(textOf(told[0])).toContain(`Sam Team acknowledged your escalation ${id}`);

    const v = await feature(t).service.get(id);
    expect(v!.record.status).toBe('acknowledged');
    expect(v!.history.map((h) => [h.action, h.actor.name])).toEqual([
      ['created', 'Dana Lead'],
      ['acknowledge', 'Sam Team'],
    ]);
  });

  it('two simultaneous Acknowledges: one wins, the other is told who did it first', async () => {
    const { id, channelActivityId } = await raise(t, dsl);
    const [a, b] = await Promise.all([
      execute(t, sam, 'escalationAck', { escalationId: id }, channelActivityId),
      execute(t, kim, 'escalationAck', { escalationId: id }, channelActivityId),
    ]);
    const bodies = [a, b].map((r) => JSON.stringify(r.body));
    const losers = bodies.filter((s) => s.includes('first ('));
    expect(losers).toHaveLength(1);
    const v = await feature(t).service.get(id);
    const winner = v!.record.last.actor.name;
    expect(['Sam Team', 'Kim Team']).toContain(winner);
    expect(losers[0]).toContain(`${winner} acknowledged ${id} first`);
    expect(v!.history.filter((h) => h.action === 'acknowledge')).toHaveLength(1);
    expect(v!.record.version).toBe(2);
  });

  it("refuses an outsider's Resolve: polite message, card and record unchanged", async () => {
    const { id, channelActivityId } = await raise(t, dsl);
    await execute(t, sam, 'escalationAck', { escalationId: id }, channelActivityId);
    const before = (await feature(t).service.get(id))!;
    t.connector.clear();

    const res = await execute(t, outsider, 'escalationResolve', { escalationId: id, outcome: 'Closed by me' }, channelActivityId);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(res.body.value).toContain('Only members of the escalation team');
    expect(t.connector.activities.filter((a) => a.method === 'PUT')).toHaveLength(0);
    expect(t.connector.messagesTo(t.personalConversationId(dsl))).toHaveLength(0);
    const after = (await feature(t).service.get(id))!;
    expect(after.record).toEqual(before.record);
    expect(after.history).toHaveLength(before.history.length);
  });

  it('the Action.Submit fallback refuses an outsider with the card unchanged, and lets a member resolve in place', async () => {
    const { id, channelActivityId } = await raise(t, dsl);
    await execute(t, sam, 'escalationAck', { escalationId: id }, channelActivityId);
    t.connector.clear();
    await t.post(channelActivity(t, outsider, { type: 'message', value: { verb: 'escalationResolve', escalationId: id, outcome: 'x' }, replyToId: channelActivityId }));
    expect(t.connector.activities.filter((a) => a.method === 'PUT')).toHaveLength(0);
    expect(JSON.stringify(t.connector.activities)).toContain('Only members of the escalation team');
    expect((await feature(t).service.get(id))!.record.status).toBe('acknowledged');

    t.connector.clear();
    await t.post(channelActivity(t, kim, { type: 'message', value: { verb: 'escalationResolve', escalationId: id, outcome: 'Decision reviewed; strategy meeting held' }, replyToId: channelActivityId }));
    const puts = t.connector.activities.filter((a) => a.method === 'PUT');
    expect(puts).toHaveLength(1); // the service's in-place update; the fallback does not PUT the same card twice
    expect(puts[0]).toMatchObject({ conversationId: CHANNEL, activityId: channelActivityId });
    expect(JSON.stringify(cardOf(puts[0]))).toContain('Resolved');
    const v = (await feature(t).service.get(id))!;
    expect(v.record).toMatchObject({ status: 'resolved', resolution: 'Decision reviewed; strategy meeting held' });
    await t.connector.waitFor(() => t.connector.messagesTo(t.personalConversationId(dsl)).length > 0);
    expect(textOf(t.connector.messagesTo(t.personalConversationId(dsl))[0])).toContain('Decision reviewed');
  });

  it('lets a member of the channel’s Teams team act (roster lookup) and refuses someone the roster does not know', async () => {
    const rita = makeUser('Rita Roster');
    const asked: string[] = [];
    // Plays the Bot Connector's roster API for the invoke's serviceUrl: only Rita is in the team.
    const roster = http.createServer((req, res) => {
      asked.push(`${req.method} ${decodeURIComponent(req.url ?? '')}`);
      const m = /^\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/.exec(req.url ?? '');
      if (req.method === 'GET' && m && decodeURIComponent(m[1]) === TEAM && [rita.id, rita.aadObjectId].includes(decodeURIComponent(m[2]))) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: rita.id, name: rita.name, aadObjectId: rita.aadObjectId }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"MemberNotFoundInConversation"}}');
    });
    await new Promise<void>((r) => roster.listen(0, '127.0.0.1', () => r()));
    const rosterUrl = `http://127.0.0.1:${(roster.address() as AddressInfo).port}/`;
    try {
      const { id, channelActivityId } = await raise(t, dsl);
      const refused = await execute(t, outsider, 'escalationAssign', { escalationId: id }, channelActivityId, rosterUrl);
      expect(refused.body.type).toBe('application/vnd.microsoft.activity.message');
      expect((await feature(t).service.get(id))!.record.status).toBe('new');

      const ok = await execute(t, rita, 'escalationAssign', { escalationId: id }, channelActivityId, rosterUrl);
      expect(ok.body.type).toBe('application/vnd.microsoft.card.adaptive');
      const v = (await feature(t).service.get(id))!;
      expect(v.record.status).toBe('assigned');
      expect(v.record.assignee).toEqual({ aadObjectId: rita.aadObjectId, name: rita.name });
      expect(asked).toContain(`GET /v3/conversations/${TEAM}/members/${rita.id}`);
      expect(asked).toContain(`GET /v3/conversations/${TEAM}/members/${outsider.id}`);
    } finally {
      await new Promise<void>((r) => roster.close(() => r()));
    }
  });

  it('a duplicate submission id creates one record (sequential and simultaneous arrivals)', async () => {
    const formId = await openForm(t, dsl);
    const form = validForm();
    await Promise.all([t.submit(dsl, form, formId), t.submit(dsl, form, formId)]);
    await t.submit(dsl, form, formId);
    const mine = (await records(t)).filter((r) => r.submissionId === form.submissionId);
    expect(mine).toHaveLength(1);
    expect(t.connector.messagesTo(CHANNEL)).toHaveLength(1);
    const acks = t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === formId).map(textOf);
    expect(acks).toHaveLength(3);
    for (const a of acks) expect(a).toContain(`reference ${mine[0].rowKey}`);
    expect(acks.filter((a) => a.includes('had already been received'))).toHaveLength(2);
  });

  it('20 concurrent submissions get 20 distinct references', async () => {
    const users = Array.from({ length: 20 }, (_, i) => makeUser(`Practitioner ${i}`));
    const forms = users.map(() => validForm());
    const results = await Promise.all(users.map((u, i) => t.submit(u, forms[i])));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const refs = users.map((u) => /Saved: reference (ESC-2026-\d{4})/.exec(JSON.stringify(t.connector.messagesTo(t.personalConversationId(u))))?.[1]);
    expect(refs.every(Boolean)).toBe(true);
    expect(new Set(refs).size).toBe(20);
    const stored = (await records(t)).filter((r) => forms.some((f) => f.submissionId === r.submissionId));
    expect(new Set(stored.map((r) => r.rowKey))).toEqual(new Set(refs));
    expect(t.connector.messagesTo(CHANNEL)).toHaveLength(20);
  });

  it('`my escalations` lists the submitter’s own, with status and history; the report is for the team and admins', async () => {
    const other = makeUser('Other Person');
    const { id } = await raise(t, dsl);
    t.connector.clear();
    await t.say(dsl, 'my escalations');
    const mine = JSON.stringify(cardOf(t.connector.messagesTo(t.personalConversationId(dsl))[0]));
    expect(mine).toContain(id);
    expect(mine).toContain('Dana Lead raised it');
    await t.say(other, 'my escalations');
    expect(JSON.stringify(t.connector.messagesTo(t.personalConversationId(other)))).toContain('You have not raised any escalations yet');

    await t.say(outsider, 'escalations report');
    expect(JSON.stringify(t.connector.messagesTo(t.personalConversationId(outsider)))).toContain('for the escalation team and CSCP admins');
    for (const u of [sam, admin]) {
      await t.say(u, 'escalations report');
      const card = cardOf(t.connector.messagesTo(t.personalConversationId(u))[0]);
      expect(validateCard(card)).toEqual([]);
      expect(JSON.stringify(card)).toMatch(/\*\*\d+\*\* open/);
    }
  });

  it('opens the form and lists escalations from natural phrasing and from the help card buttons', async () => {
    const u = makeUser('Natural Phrasing');
    await t.say(u, 'I need to escalate a MASH threshold decision');
    await t.say(u, 'check on my escalation please');
    await t.submit(u, { verb: 'escalate' });
    await t.submit(u, { verb: 'myEscalations' });
    const texts = t.connector.messagesTo(t.personalConversationId(u)).map((a) => JSON.stringify(cardOf(a)));
    expect(texts).toHaveLength(4);
    expect(texts[0]).toContain('Escalate a concern');
    expect(texts[1]).toContain('My escalations');
    expect(texts[2]).toContain('Escalate a concern');
    expect(texts[3]).toContain('My escalations');
    for (const a of t.connector.messagesTo(t.personalConversationId(u))) expect(validateCard(cardOf(a))).toEqual([]);
  });

  it('re-raises an unacknowledged escalation in the channel after 8 working hours, once per period, under a lease', async () => {
    const { id } = await raise(t, dsl);
    t.connector.clear();
    const sla = feature(t).sla;
    expect(await sla.tick(new Date('2026-03-10T16:00:00Z'))).toMatchObject({ reRaised: [] });
    const later = new Date('2026-03-11T11:00:00Z'); // 7 + 2 working hours later
    const first = await sla.tick(later);
    expect(first!.reRaised).toContain(id);
    const reRaise = t.connector.messagesTo(CHANNEL).filter((a) => textOf(a).includes(`${id} has not been acknowledged within 8 working hours`));
    expect(reRaise).toHaveLength(1);
    expect(validateCard(cardOf(reRaise[0]))).toEqual([]);
    expect((await sla.tick(new Date(later.getTime() + 5 * 60_000)))!.reRaised).not.toContain(id);
    expect(t.connector.messagesTo(CHANNEL).filter((a) => textOf(a).includes(`${id} has not been acknowledged`))).toHaveLength(1);
  });
});

describe('escalations when storage goes down during a submission', () => {
  const admin = makeUser('Ada Admin');
  const dsl = makeUser('Dana Lead');
  let az: { port: number; child: import('node:child_process').ChildProcess; stop(): Promise<void> };
  /** Azurite flushes its on-disk tables on SIGINT (SIGTERM would lose the last few seconds of writes). */
  const stopStorage = async () => {
    if (az.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => az.child.once('exit', () => r()));
    az.child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 8000).unref())]);
    await az.stop();
  };
  let location: string;
  let port: number;
  let t: TestBot;

  beforeAll(async () => {
    location = fs.mkdtempSync(path.join(os.tmpdir(), 'cscp-azurite-'));
    port = await freePort();
    az = await startAzurite({ port, location });
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(port) }, { noSchedulers: true });
    await t.post(channelActivity(t, admin, { type: 'message', text: 'escalations here' }));
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    if (az) await stopStorage();
    fs.rmSync(location, { recursive: true, force: true });
  });

  it('tells the submitter it was not saved (with the emergency route), writes nothing, and the same form saves once storage is back', async () => {
    const formId = await openForm(t, dsl);
    const form = validForm({ childSafeNow: 'no' });
    t.connector.clear();
    await stopStorage(); // a real outage: the storage process is gone

    const res = await t.submit(dsl, form, formId);
    expect(res.status).toBe(200);
    const personal = t.connector.activities.filter((a) => a.conversationId === t.personalConversationId(dsl));
    const notSaved = personal.find((a) => a.method === 'POST' && textOf(a).includes('Not saved'))!;
    expect(notSaved).toBeDefined();
    expect(validateCard(cardOf(notSaved))).toEqual([]);
    expect(textOf(notSaved)).toContain('could **not** be saved');
    expect(textOf(notSaved)).toContain('If a child is in immediate danger, call 999');
    expect(textOf(notSaved)).not.toMatch(/ESC-\d{4}/);
    const formBack = personal.find((a) => a.method === 'PUT' && a.activityId === formId)!;
    expect(textOf(formBack)).toContain(form.submissionId as string); // same submission id: a retry cannot duplicate
    expect(t.connector.messagesTo(CHANNEL)).toHaveLength(0);

    az = await startAzurite({ port, location }); // storage back, with what it held before the outage
    const tables = createTables(azuriteConnectionString(port), t.config.storage.tablePrefix);
    const escalations: unknown[] = [];
    for await (const r of tables.client('Escalations').listEntities()) escalations.push(r);
    const history: unknown[] = [];
    for await (const r of tables.client('EscalationHistory').listEntities()) history.push(r);
    expect(escalations).toHaveLength(0);
    expect(history).toHaveLength(0);

    t.connector.clear();
    await t.submit(dsl, form, formId);
    expect(JSON.stringify(t.connector.activities)).toMatch(/Saved: reference ESC-\d{4}-0001/);
    expect(t.connector.messagesTo(CHANNEL)).toHaveLength(1);
  }, 90_000);
});
