import { randomUUID } from 'node:crypto';
import type { EscalationsFeature } from '../../../bot/features/escalations.feature';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../../helpers/bot-harness';
import { largestCard, MAX_CARD_BYTES, MAX_REQUEST_CPU_MS, postTimed, rowsOf, sharedActivity, tableCounts } from '../../helpers/trust';
import { validForm } from '../../unit/escalations/escalation-fixtures';

/**
 * Issue 12, "Whose identity counts" (6): roles come from the Entra object id Teams puts in `from.aadObjectId`,
 * never from `from.id`, which a client chooses. A forged `from.id` equal to a staff member's object id is
 * nobody: it holds no role and reaches nobody else's records.
 */

const CHANNEL = '19:escalation-team@thread.tacv2';

describe('roles from aadObjectId only, over HTTP', () => {
  const admin = makeUser('Ada Admin');
  const trainer = makeUser('Tina Trainer');
  const sam = makeUser('Sam Team');
  const dsl = makeUser('Dana Lead');
  let t: TestBot;
  let id = '';
  let channelActivityId = '';

  /** Someone whose client sends no aadObjectId and puts `victim`'s object id in from.id. */
  const impostor = (victim: TestUser): TestUser & { forged: true } => ({ id: victim.aadObjectId, aadObjectId: '', name: victim.name, forged: true });
  const asImpostor = (victim: TestUser, extra: Record<string, unknown>, where: 'channel' | 'personal' = 'personal'): Record<string, unknown> => {
    const base: Record<string, unknown> = where === 'channel' ? sharedActivity(t, impostor(victim), extra, { channel: CHANNEL, team: '19:team@thread.tacv2' }) : { id: randomUUID(), channelId: 'msteams', serviceUrl: t.connector.url, recipient: { id: '28:bot' }, conversation: { id: `a:impostor-${randomUUID()}`, conversationType: 'personal', tenantId: 'tenant-1' }, ...extra };
    return { ...base, from: { id: victim.aadObjectId, name: victim.name } };
  };

  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, TRAINER_IDS: trainer.aadObjectId, ESCALATION_TEAM_IDS: sam.aadObjectId }, { noSchedulers: true });
    await t.post(sharedActivity(t, admin, { type: 'message', text: '<at>CSCP</at> escalations here' }, { channel: CHANNEL, team: '19:team@thread.tacv2' }));
    await t.say(dsl, 'help');
    const { record } = await (t.bot.deps.features.escalations as EscalationsFeature).service.submit({
      input: validForm({ issue: 'Strategy discussion declined although the child disclosed again on Monday.' }),
      submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name },
      submitterTarget: await t.bot.deps.conversations.target('user', dsl.aadObjectId),
    });
    id = record.id;
    channelActivityId = (await (t.bot.deps.features.escalations as EscalationsFeature).service.get(id))!.record.channelActivityId!;
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  it.each([
    ['Acknowledge (Action.Execute)', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'escalationAck', data: { verb: 'escalationAck', escalationId: '' } } } }],
    ['Resolve (Action.Execute)', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'escalationResolve', data: { verb: 'escalationResolve', escalationId: '', outcome: 'closed' } } } }],
    ['Resolve (Action.Submit)', { type: 'message', value: { verb: 'escalationResolve', escalationId: '', outcome: 'closed' } }],
  ])('a forged from.id cannot %s an escalation', async (_name, activity) => {
    const fill = JSON.parse(JSON.stringify(activity).replace(/"escalationId":""/g, `"escalationId":"${id}"`));
    const before = (await (t.bot.deps.features.escalations as EscalationsFeature).service.get(id))!;
    const res = await postTimed(t, { ...asImpostor(sam, fill, 'channel'), replyToId: channelActivityId });
    expect(res.status).toBe(200);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    const after = (await (t.bot.deps.features.escalations as EscalationsFeature).service.get(id))!;
    expect(after.record).toEqual(before.record);
    expect(after.history).toHaveLength(before.history.length);
    expect(t.connector.activities.filter((a) => a.method === 'PUT')).toHaveLength(0);
    expect(t.connector.messagesTo(t.personalConversationId(dsl))).toHaveLength(0);
    const said = JSON.stringify([res.body, ...t.connector.activities.map((a) => a.body)]);
    expect(said).toContain('Only members of the escalation team');
    expect(said).not.toContain('Dana Lead');
    expect(said).not.toContain('disclosed again');
    expect(largestCard(t, [res.body])).toBeLessThan(MAX_CARD_BYTES);
  });

  it.each([
    ['answers report', admin, /only CSCP admins/],
    [`roles grant admin ${randomUUID()}`, admin, /only CSCP admins/],
    ['survey set https://forms.office.com/r/abc', admin, /only CSCP admins/],
    ['digest new', admin, /only CSCP admins/],
    ['training new', trainer, /only CSCP trainers/],
    ['training list', trainer, /only CSCP trainers/],
    ['escalations report', sam, /escalation team and CSCP admins/],
  ])('a forged from.id gets no staff command: %s', async (command, victim, refusal) => {
    const before = await tableCounts(t, ['Settings', 'SurveyLinks', 'Sessions', 'Digests']);
    const activity = asImpostor(victim, { type: 'message', text: command });
    await postTimed(t, activity);
    const sent = t.connector.messagesTo((activity.conversation as { id: string }).id);
    expect(sent).toHaveLength(1);
    expect(sent[0].body.text).toMatch(refusal);
    expect(await tableCounts(t, ['Settings', 'SurveyLinks', 'Sessions', 'Digests'])).toEqual(before);
  });

  it('a forged from.id reaches none of the real person’s own records', async () => {
    const activity = asImpostor(dsl, { type: 'message', text: 'my escalations' });
    await postTimed(t, activity);
    const sent = JSON.stringify(t.connector.messagesTo((activity.conversation as { id: string }).id));
    expect(sent).toContain('You have not raised any escalations yet');
    expect(sent).not.toContain(id);
    // Its conversation reference is kept apart from the real person's (which still points to their own chat).
    expect(await t.bot.deps.conversations.get('user', dsl.aadObjectId)).toMatchObject({ conversationId: t.personalConversationId(dsl) });
    const keys = (await rowsOf(t, 'Conversations')).map((r) => r.key);
    expect(keys).toContain(`teams:${dsl.aadObjectId}`);
  });

  it('the real team member, with the object id Teams gives, still acts', async () => {
    const res = await t.post({ ...sharedActivity(t, sam, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'escalationAck', data: { verb: 'escalationAck', escalationId: id } } } }, { channel: CHANNEL }), replyToId: channelActivityId });
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect((await (t.bot.deps.features.escalations as EscalationsFeature).service.get(id))!.record.status).toBe('acknowledged');
  });
});
