import { ManualClock } from '../../../src/clock';
import { azuriteConnectionString, testConfig } from '../../../src/config';
import { ConflictError, ForbiddenError, UserInputError } from '../../../src/errors';
import { createLogger } from '../../../src/logger';
import { createEscalationService } from '../../../src/escalations/escalation.service';
import { createTables, type Tables } from '../../../src/storage/tables';
import { testTables } from '../../helpers/storage';
import { RecordingNotifier, channel, dsl, kim, outsider, sam, submitterTarget, validForm } from './escalation-fixtures';

const config = testConfig({ ESCALATION_TEAM_IDS: `${sam.aadObjectId},${kim.aadObjectId.toUpperCase()}` });
const logger = createLogger('silent');

async function countRecords(tables: Tables): Promise<number> {
  let n = 0;
  for await (const _ of tables.client('Escalations').listEntities({ queryOptions: { filter: "RowKey ge 'ESC-' and RowKey lt 'ESC.'" } })) n++;
  return n;
}

describe('escalation service on Azure Table storage', () => {
  let tables: Tables;
  const clock = new ManualClock('2026-03-10T10:00:00Z');
  const notifier = new RecordingNotifier();
  const svc = () => createEscalationService({ tables, notifier, clock, config, logger });

  beforeAll(async () => {
    tables = await testTables();
    await svc().setTeamChannel(channel, sam);
  });
  afterAll(async () => tables.dropAll());
  beforeEach(() => notifier.reset());

  it('refuses missing fields with field errors and writes nothing', async () => {
    const err = await svc()
      .submit({ input: { submissionId: 'abcdefgh-1', type: 'decision', caseReference: 'Jayden Smith' }, submitter: dsl })
      .catch((e) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect(Object.keys(err.fieldErrors).sort()).toEqual(
      ['caseReference', 'childSafeNow', 'contactDetails', 'issue', 'otherAgency', 'outcomeWanted', 'stageReached'].sort(),
    );
    expect(err.fieldErrors.caseReference).toMatch(/never a child’s name/);
    expect(await countRecords(tables)).toBe(0);
    expect(notifier.sends).toHaveLength(0);
  });

  it('stores a valid escalation with a reference, posts the team card and keeps its activity id', async () => {
    const res = await svc().submit({ input: validForm(), submitter: dsl, submitterTarget });
    expect(res.duplicate).toBe(false);
    expect(res.posted).toBe(true);
    expect(res.record.id).toMatch(/^ESC-2026-\d{4}$/);
    expect(res.record.status).toBe('new');
    expect(res.record.urgent).toBe(false);
    expect(notifier.sends).toHaveLength(1);
    expect(notifier.sends[0].target.conversationId).toBe(channel.conversationId);
    const saved = await svc().get(res.record.id);
    expect(saved?.record.channelActivityId).toBe('activity-1');
    expect(saved?.record.submitterTarget).toEqual(submitterTarget);
    expect(saved?.history.map((h) => [h.version, h.action, h.actor.name])).toEqual([[1, 'created', 'Dana Lead']]);
  });

  it('flags a child not safe now as urgent', async () => {
    const res = await svc().submit({ input: validForm({ childSafeNow: 'no' }), submitter: dsl, submitterTarget });
    expect(res.record.urgent).toBe(true);
  });

  it('acknowledge updates the channel card in place, tells the submitter and appends history', async () => {
    const { record } = await svc().submit({ input: validForm(), submitter: dsl, submitterTarget });
    notifier.reset();
    clock.advance(60_000);
    const v = await svc().act({ id: record.id, action: { kind: 'acknowledge' }, actor: sam });
    expect(v.record.status).toBe('acknowledged');
    expect(notifier.updates).toHaveLength(1);
    expect(notifier.updates[0].activityId).toBe(record.channelActivityId);
    expect(notifier.sends.map((s) => s.target.conversationId)).toEqual([submitterTarget.conversationId]);
    expect(JSON.stringify(notifier.sends[0].message)).toMatch(/Sam Team acknowledged/);

    await svc().act({ id: record.id, action: { kind: 'assign' }, actor: kim });
    await svc().act({ id: record.id, action: { kind: 'note', note: 'Called MASH manager' }, actor: kim });
    await expect(svc().act({ id: record.id, action: { kind: 'resolve', outcome: ' ' }, actor: kim })).rejects.toBeInstanceOf(UserInputError);
    await svc().act({ id: record.id, action: { kind: 'resolve', outcome: 'Decision reviewed; strategy meeting held' }, actor: kim });
    const reopened = await svc().act({ id: record.id, action: { kind: 'reopen' }, actor: sam });
    expect(reopened.record.status).toBe('acknowledged');
    expect(reopened.record.assignee).toBeUndefined();
    expect(reopened.history.map((h) => `${h.version}:${h.action}:${h.toStatus}:${h.actor.aadObjectId}`)).toEqual([
      `1:created:new:${dsl.aadObjectId}`,
      `2:acknowledge:acknowledged:${sam.aadObjectId}`,
      `3:assign:assigned:${kim.aadObjectId}`,
      `4:note:assigned:${kim.aadObjectId}`,
      `5:resolve:resolved:${kim.aadObjectId}`,
      `6:reopen:acknowledged:${sam.aadObjectId}`,
    ]);
    expect(reopened.history[4].note).toBe('Decision reviewed; strategy meeting held');
  });

  it('two simultaneous acknowledges: one wins, the other gets a ConflictError naming the winner', async () => {
    const { record } = await svc().submit({ input: validForm(), submitter: dsl, submitterTarget });
    const results = await Promise.allSettled([
      svc().act({ id: record.id, action: { kind: 'acknowledge' }, actor: sam }),
      svc().act({ id: record.id, action: { kind: 'acknowledge' }, actor: kim }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(ConflictError);
    const winner = (won[0] as PromiseFulfilledResult<{ record: { last: { actor: { name: string } } } }>).value.record.last.actor.name;
    expect(lost[0].reason.by).toBe(winner);
    expect(lost[0].reason.message).toContain(`${winner} acknowledged ${record.id} first`);
    const v = await svc().get(record.id);
    expect(v?.record.version).toBe(2);
    expect(v?.history).toHaveLength(2);
  });

  it('refuses an outsider with ForbiddenError and leaves the record unchanged', async () => {
    const { record } = await svc().submit({ input: validForm(), submitter: dsl, submitterTarget });
    notifier.reset();
    await expect(svc().act({ id: record.id, action: { kind: 'resolve', outcome: 'done' }, actor: outsider })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const v = await svc().get(record.id);
    expect(v?.record.status).toBe('new');
    expect(v?.record.version).toBe(1);
    expect(notifier.updates).toHaveLength(0);
  });

  it('lets the isTeamMember hook admit channel members', async () => {
    const { record } = await svc().submit({ input: validForm(), submitter: dsl, submitterTarget });
    const hooked = createEscalationService({ tables, notifier, clock, config, logger, isTeamMember: async (id) => id === outsider.aadObjectId });
    expect((await hooked.act({ id: record.id, action: { kind: 'acknowledge' }, actor: outsider })).record.status).toBe('acknowledged');
  });

  it('creates one record for the same submission id, even when both arrive at once', async () => {
    const form = validForm();
    const before = await countRecords(tables);
    const [a, b] = await Promise.all([
      svc().submit({ input: form, submitter: dsl, submitterTarget }),
      svc().submit({ input: form, submitter: dsl, submitterTarget }),
    ]);
    const c = await svc().submit({ input: form, submitter: dsl, submitterTarget });
    expect(new Set([a.record.id, b.record.id, c.record.id]).size).toBe(1);
    expect([a.duplicate, b.duplicate].filter(Boolean)).toHaveLength(1);
    expect(c.duplicate).toBe(true);
    expect(await countRecords(tables)).toBe(before + 1);
  });

  it('gives 20 concurrent submissions 20 distinct references', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => svc().submit({ input: validForm(), submitter: dsl, submitterTarget })),
    );
    const ids = results.map((r) => r.record.id);
    expect(new Set(ids).size).toBe(20);
    const all = await svc().listMine(dsl.aadObjectId);
    expect(new Set(all.map((v) => v.record.id)).size).toBe(all.length);
  });

  it('fails with an error and writes nothing when storage is down', async () => {
    const down = createTables(azuriteConnectionString(1), tables.prefix);
    const broken = createEscalationService({ tables: down, notifier, clock, config, logger });
    const before = await countRecords(tables);
    const started = Date.now();
    await expect(broken.submit({ input: validForm(), submitter: dsl, submitterTarget })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(await countRecords(tables)).toBe(before);
    expect(notifier.sends).toHaveLength(0);
  });

  it('lists my escalations newest first and reports open ones by age, type and agency', async () => {
    const other = { aadObjectId: 'aad-other-dsl', name: 'Other' };
    await svc().submit({ input: validForm({ otherAgency: 'Police' }), submitter: other });
    clock.advance(5 * 86_400_000);
    await svc().submit({ input: validForm({ otherAgency: 'police ', type: 'board' }), submitter: other });
    const mine = await svc().listMine(other.aadObjectId);
    expect(mine).toHaveLength(2);
    expect(mine[0].record.type).toBe('board');
    const r = await svc().report();
    expect(r.byAgency.find((a) => a.key === 'police')?.count).toBe(2);
    expect(r.byType.find((t) => t.key === 'board')?.count).toBe(1);
    expect(r.byAge.find((b) => b.key === '4-7d')!.count).toBeGreaterThanOrEqual(1);
    expect(r.byAge.find((b) => b.key === 'lt1d')!.count).toBe(1);
  });
});
