import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { ManualClock } from '../../../src/clock';
import { createLogger } from '../../../src/logger';
import type { EscalationsFeature } from '../../../bot/features/escalations.feature';
import type { TrainingFeature } from '../../../bot/features/training.feature';
import { buildEscalationTeamCard } from '../../../cards/escalation-team.card';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../../helpers/bot-harness';
import { validateCard } from '../../helpers/card-validator';
import { channelMessages, largestCard, MAX_CARD_BYTES, MAX_REQUEST_CPU_MS, postTimed, sharedActivity, textOf } from '../../helpers/trust';
import { validForm } from '../../unit/escalations/escalation-fixtures';

/**
 * Issue 12, "Who sees what": staff-only and personal output asked for in a shared conversation goes to the
 * person's 1:1 chat (3); team notes stay with the team unless shared (4); a private escalation channel's own
 * member list decides who may act, guests and other tenants never, and an out-of-date action is logged (5).
 */

const SENT = 'I’ve sent that to you in our 1:1 chat.';
const cardOf = (a: { body: Record<string, any> }) => a.body.attachments?.[0]?.content;

describe('who sees what, over HTTP', () => {
  const admin = makeUser('Ada Admin');
  const trainer = makeUser('Tina Trainer');
  const sam = makeUser('Sam Team');
  const dsl = makeUser('Dana Lead');
  const newcomer = makeUser('Nell Newcomer');
  const clock = new ManualClock('2026-03-10T10:00:00Z');
  let t: TestBot;
  const channel = '19:general@thread.tacv2';
  const inChannel = (u: TestUser, extra: Record<string, unknown>) => postTimed(t, sharedActivity(t, u, extra, { channel }));
  const inbox = (u: TestUser) => t.connector.messagesTo(t.personalConversationId(u));

  beforeAll(async () => {
    t = await startTestBot(
      { ADMIN_IDS: admin.aadObjectId, TRAINER_IDS: trainer.aadObjectId, ESCALATION_TEAM_IDS: sam.aadObjectId },
      { clock, noSchedulers: true },
    );
    // Their 1:1 chats are known (they have used the bot there); the newcomer's is not.
    for (const u of [admin, trainer, sam, dsl]) await t.say(u, 'help');
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  const staffCommands: [string, TestUser, string, RegExp][] = [
    ['answers report', admin, 'answers report', /Answers in the last 30 days/],
    ['escalations report', admin, 'escalations report', /Escalations report/],
    ['survey report', admin, 'survey report', /Parent survey reach/],
    ['digest report', admin, 'digest report', /Newsletter digests|digest/i],
    ['roles list', admin, 'roles list', new RegExp(admin.aadObjectId)],
    ['my escalations', dsl, 'my escalations', /My escalations/],
    ['my training', dsl, 'my training', /My training|booked/i],
  ];

  it.each(staffCommands)('`%s` asked in a channel goes to the 1:1 chat; the channel hears one line', async (_n, user, command, expected) => {
    const res = await inChannel(user, { type: 'message', text: `<at>CSCP</at> ${command}` });
    expect(res.status).toBe(200);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    expect(channelMessages(t, channel).map((m) => m.body.text)).toEqual([SENT]);
    const mine = inbox(user);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map(textOf).join('\n')).toMatch(expected);
    expect(largestCard(t)).toBeLessThan(MAX_CARD_BYTES);
  });

  it('the same in a group chat', async () => {
    await postTimed(t, sharedActivity(t, dsl, { type: 'message', text: 'my escalations' }, { channel: '19:group-a@thread.v2', place: 'groupChat' }));
    expect(channelMessages(t, '19:group-a@thread.v2').map((m) => m.body.text)).toEqual([SENT]);
    expect(textOf(inbox(dsl)[0])).toContain('My escalations');
  });

  it('opens a 1:1 chat with someone the bot has not met (Bot Framework createConversation) and sends it there', async () => {
    await inChannel(newcomer, { type: 'message', text: 'escalate' });
    expect(t.connector.created).toHaveLength(1);
    expect(t.connector.created[0].body).toMatchObject({ isGroup: false, members: [{ id: newcomer.id }], tenantId: 'tenant-1' });
    const created = t.connector.created[0].id;
    expect(JSON.stringify(cardOf(t.connector.messagesTo(created)[0]))).toContain('Escalate a concern');
    expect(channelMessages(t, channel).map((m) => m.body.text)).toEqual([SENT]);
    expect(await t.bot.deps.conversations.get('user', newcomer.aadObjectId)).toMatchObject({ conversationId: created });
  });

  it('when no 1:1 chat can be opened, shows nothing private and says where to ask', async () => {
    const stranger = makeUser('Stan Stranger');
    t.connector.allowCreate = false;
    try {
      await inChannel(stranger, { type: 'message', text: 'my training' });
    } finally {
      t.connector.allowCreate = true;
    }
    const said = channelMessages(t, channel).map((m) => m.body.text);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/could not open one with you.*type \*\*my training\*\* there/);
    expect(t.connector.activities.filter((a) => a.body.attachments?.length)).toHaveLength(0);
  });

  it('an escalation form submitted from a channel never re-draws its answers there', async () => {
    const secret = `Contact Dana on 07700 ${Math.floor(100000 + Math.random() * 899999)}`;
    // Invalid: the issue is too short, so the form comes back with the answers filled in.
    const res = await inChannel(dsl, { type: 'message', value: { verb: 'escalationSubmit', ...validForm({ issue: 'short', contactDetails: secret }) }, replyToId: 'form-in-channel' });
    expect(res.status).toBe(200);
    const channelTraffic = t.connector.activities.filter((a) => a.conversationId.split(';')[0] === channel);
    expect(channelTraffic.map((a) => [a.method, a.body.text])).toEqual([['POST', SENT]]);
    expect(JSON.stringify(channelTraffic)).not.toContain(secret);
    const redrawn = inbox(dsl).map((a) => cardOf(a)).find((c) => JSON.stringify(c).includes('Please say a little more'));
    expect(redrawn).toBeDefined();
    expect(validateCard(redrawn)).toEqual([]);
    expect(JSON.stringify(redrawn)).toContain(secret);
  });

  it('a trainer’s attendee list and its CSV from a channel go to the trainer alone', async () => {
    const svc = (t.bot.deps.features.training as TrainingFeature).service;
    const { session } = await svc.createSession(
      { courseId: 'working-together-to-safeguard-children', date: '2026-04-20', startTime: '10:00', endTime: '12:00', mode: 'in-person', venue: 'Council House', capacity: 5 } as never,
      { id: trainer.aadObjectId, name: trainer.name },
      `req-${randomUUID().slice(0, 8)}`,
    );
    await svc.book(session.id, { id: dsl.aadObjectId, name: 'Dana Lead' });
    for (const verb of ['trainingAttendees', 'trainingAttendeesCsv']) {
      t.connector.clear();
      await inChannel(trainer, { type: 'message', value: { verb, sessionId: session.id } });
      expect(channelMessages(t, channel).map((m) => m.body.text)).toEqual([SENT]);
      expect(JSON.stringify(t.connector.activities.filter((a) => a.conversationId.split(';')[0] === channel))).not.toContain('Dana Lead');
      const mine = inbox(trainer);
      expect(mine).toHaveLength(1);
      if (verb === 'trainingAttendees') expect(textOf(mine[0])).toContain('Dana Lead');
      else expect(mine[0].body.attachments[0].contentType).toBe('application/vnd.microsoft.teams.card.file.consent');
    }
  });

  describe('team notes', () => {
    const escalations = () => (t.bot.deps.features.escalations as EscalationsFeature).service;
    const note = (id: string, text: string, shareNote?: string) =>
      postTimed(t, {
        ...sharedActivity(t, sam, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'escalationNote', data: { verb: 'escalationNote', escalationId: id, note: text, ...(shareNote ? { shareNote } : {}) } } } }),
      });

    it('an internal note reaches neither the submitter’s chat nor their `my escalations`; a shared one does', async () => {
      const { record } = await escalations().submit({ input: validForm(), submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name }, submitterTarget: await t.bot.deps.conversations.target('user', dsl.aadObjectId) });
      t.connector.clear();
      const internal = `Internal: MASH manager thinks the DSL is overreacting ${randomUUID().slice(0, 6)}`;
      const res = await note(record.id, internal);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain(internal); // the team sees it on their card
      expect(inbox(dsl)).toHaveLength(0);
      await t.say(dsl, 'my escalations');
      expect(JSON.stringify(inbox(dsl))).not.toContain(internal);
      expect(JSON.stringify(inbox(dsl))).not.toContain('added a note');

      t.connector.clear();
      const shared = `Shared: we have asked MASH to review ${randomUUID().slice(0, 6)}`;
      await note(record.id, shared, 'true');
      await t.connector.waitFor(() => inbox(dsl).length > 0);
      expect(textOf(inbox(dsl)[0])).toContain(shared);
      const view = await escalations().get(record.id);
      expect(view!.history.filter((h) => h.action === 'note').map((h) => h.shared)).toEqual([false, true]);
      await t.say(dsl, 'my escalations');
      const mine = JSON.stringify(inbox(dsl).at(-1));
      expect(mine).toContain(shared.slice(0, 40));
      expect(mine).not.toContain(internal.slice(0, 40));
    });

    it('the note form offers sharing, off by default', async () => {
      const { record } = await escalations().submit({ input: validForm(), submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name } });
      const built = buildEscalationTeamCard((await escalations().get(record.id))!);
      expect(validateCard(built)).toEqual([]);
      const card = JSON.stringify(built);
      expect(card).toContain('"id":"shareNote"');
      expect(card).toContain('"value":"false"');
      expect(card).not.toContain('seen by the team and the submitter');
    });
  });
});

describe('a private escalation channel', () => {
  const admin = makeUser('Ada Admin');
  const dsl = makeUser('Dana Lead');
  const member = makeUser('Mia Member'); // in the private channel
  const teamOnly = makeUser('Tom Teamonly'); // in the parent team, not the private channel
  const guest = makeUser('Gail Guest'); // in the private channel as a guest
  const external = makeUser('Eve External'); // in the channel, from another tenant
  const PRIVATE = '19:private-escalations@thread.tacv2';
  const TEAM = '19:parent-team@thread.tacv2';
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  let t: TestBot;
  const act = (u: TestUser, verb: string, data: Record<string, unknown>) =>
    postTimed(t, sharedActivity(t, u, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } } }, { channel: PRIVATE, team: TEAM, channelType: 'private' }));

  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, ALLOWED_TENANT_IDS: 'tenant-1' }, { noSchedulers: true, logger: createLogger('info', sink) });
    for (const u of [teamOnly, member, guest]) t.connector.addMember(TEAM, { id: u.id, aadObjectId: u.aadObjectId, tenantId: 'tenant-1', userRole: u === guest ? 'guest' : 'user' });
    t.connector.addMember(PRIVATE, { id: member.id, aadObjectId: member.aadObjectId, tenantId: 'tenant-1', userRole: 'user' });
    t.connector.addMember(PRIVATE, { id: guest.id, aadObjectId: guest.aadObjectId, tenantId: 'tenant-1', userRole: 'guest' });
    t.connector.addMember(PRIVATE, { id: external.id, aadObjectId: external.aadObjectId, tenantId: 'tenant-far', userRole: 'user' });
    await t.post(sharedActivity(t, admin, { type: 'message', text: '<at>CSCP</at> escalations here' }, { channel: PRIVATE, team: TEAM, channelType: 'private' }));
  });
  afterAll(async () => t.stop());

  it('only the channel’s own members act: a parent-team member, a guest and an external member are refused', async () => {
    const svc = (t.bot.deps.features.escalations as EscalationsFeature).service;
    expect(await svc.teamChannel()).toMatchObject({ conversationId: PRIVATE, channelType: 'private' });
    const { record } = await svc.submit({ input: validForm(), submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name } });
    for (const u of [teamOnly, guest, external]) {
      const res = await act(u, 'escalationAck', { escalationId: record.id });
      expect(res.body.type).toBe('application/vnd.microsoft.activity.message');
      expect(res.body.value).toContain('Only members of the escalation team');
      expect(JSON.stringify(res.body)).not.toContain(record.issue);
    }
    expect((await svc.get(record.id))!.record.status).toBe('new');
    expect(t.connector.paths).toContain(`GET /v3/conversations/${PRIVATE}/members/${teamOnly.id}`);

    const ok = await act(member, 'escalationAck', { escalationId: record.id });
    expect(ok.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect((await svc.get(record.id))!.record.status).toBe('acknowledged');

    // A second Acknowledge on the stale card: the member is shown the current card, and it is logged.
    lines.length = 0;
    const stale = await act(member, 'escalationAck', { escalationId: record.id });
    expect(JSON.stringify(stale.body)).toContain('first');
    expect(lines.some((l) => l.includes('escalation action out of date') && l.includes(record.id))).toBe(true);
  });
});
