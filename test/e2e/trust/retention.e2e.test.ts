import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { ManualClock } from '../../../src/clock';
import { createLogger } from '../../../src/logger';
import { maskPersonalDetails } from '../../../src/privacy/mask';
import { startBot } from '../../../bot/main';
import type { EscalationsFeature } from '../../../bot/features/escalations.feature';
import type { PrivacyFeature } from '../../../bot/features/privacy.feature';
import type { TrainingFeature } from '../../../bot/features/training.feature';
import type { SurveyService } from '../../../src/surveys/survey.service';
import { makeUser, startTestBot, type TestBot } from '../../helpers/bot-harness';
import { changeCounts, changesBetween, personalActivity, postChecked, rowsOf, sharedActivity, snapshot } from '../../helpers/trust';
import { validForm } from '../../unit/escalations/escalation-fixtures';

/**
 * Issue 12, "Keeping what people tell it" (16): questions are stored masked; escalations, survey logs and
 * answer logs are kept only as long as configured and purged by one instance; an admin command and a CLI
 * erase a person's data on request and report what they removed.
 */

const root = path.join(__dirname, '../../..');
const DAY = 86_400_000;

describe('masking what people tell it', () => {
  it.each([
    ['my pupil jane smith told me her uncle hurts her, what do I do?', 'my pupil [name] told me her uncle hurts her, what do I do?'],
    ['Zebulon has just run away from home and is missing right now', '[name] has just run away from home and is missing right now'],
    ['a boy called kayden, DOB 12/03/2017, lives at 14 Acacia Avenue CV2 4AB', 'a boy called [name], [date], lives at [address] [address]'],
    ['mum is on 07700 900123 or mum.smith@example.com', 'mum is on [phone] or [email]'],
    ['Mrs Patel says Tyler was born on 3rd March 2016', 'Mrs [name] says [name] was [date]'],
    ['My student Liam said his dad hit him on 12 March', 'My student [name] said his dad hit him on [date]'],
  ])('%s', (question, masked) => expect(maskPersonalDetails(question)).toBe(masked));

  it.each([
    'Is Early Help the same as MASH in Coventry?',
    'who do I contact about Prevent and Channel?',
    'what is the escalation policy for Children’s Services?',
    'how many health visitors did cov go up to in 2024?',
    'what does the LADO do when a child protection plan ends?',
  ])('keeps a question with no personal details as it is: %s', (q) => expect(maskPersonalDetails(q)).toBe(q));
});

describe('retention and erasure over HTTP', () => {
  const admin = makeUser('Ada Admin');
  const sam = makeUser('Sam Team');
  const dsl = makeUser('Dana Lead');
  const waiting = makeUser('Wendy Waiting');
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let t: TestBot;
  const escalations = () => (t.bot.deps.features.escalations as EscalationsFeature).service;
  const privacy = () => t.bot.deps.features.privacy as PrivacyFeature;
  /** A 1:1 message from `user`, sent as every request in this suite is: checked for CPU and card sizes. */
  const say = (user: typeof dsl, text: string) => postChecked(t, personalActivity(t, user, { type: 'message', text }));

  beforeAll(async () => {
    t = await startTestBot(
      { ADMIN_IDS: admin.aadObjectId, ESCALATION_TEAM_IDS: sam.aadObjectId, ANSWER_LOG_RETENTION_DAYS: '1', ESCALATION_RETENTION_DAYS: '30', SURVEY_LOG_RETENTION_DAYS: '30' },
      { clock, noSchedulers: true },
    );
    for (const u of [admin, sam, dsl, waiting]) await say(u, 'help');
  });
  afterAll(async () => t.stop());

  it('stores questions and feedback comments masked; the answers report shows them masked', async () => {
    const secret = `Zebulon${randomUUID().slice(0, 4)}`;
    const personal = new RegExp(`${secret}|Smith|07700|900456|01/02/2015`, 'i');
    // The question, with a name, a date of birth and a phone number: stored is one answer-log row, masked,
    // the rows that map the answer message to it, and the follow-up context (stems of the masked question).
    t.connector.clear();
    const before = await snapshot(t);
    await say(dsl, `my pupil ${secret} Smith (DOB 01/02/2015, 07700 900456) says her uncle hurts her, what is the escalation policy?`);
    const asked = changesBetween(before, await snapshot(t));
    expect(changeCounts(asked)).toEqual({ AnswerLog: { added: 1 }, AnswerMessages: { added: 3 } });
    const row = asked.AnswerLog.added[0];
    expect(row.question).toBe('my pupil [name] ([date], [phone]) says her uncle hurts her, what is the escalation policy?');
    const answerId = `${row.partitionKey}_${row.rowKey}`;
    const maps = asked.AnswerMessages.added.filter((r) => r.partitionKey !== 'ctx');
    expect(maps.map((r) => [r.partitionKey, r.answerId])).toEqual([['latest', answerId], ['m', answerId]]);
    expect(JSON.stringify(asked)).not.toMatch(personal);

    // Feedback on that answer over HTTP (👎 with a comment that names the child and a phone number): stored
    // is one feedback row with the comment masked, and the answer's thumbs-down count.
    const answer = t.connector.messagesTo(t.personalConversationId(dsl)).at(-1)!;
    const rateBefore = await snapshot(t);
    await postChecked(
      t,
      personalActivity(t, dsl, {
        type: 'invoke',
        name: 'message/submitAction',
        replyToId: answer.id,
        value: { actionName: 'feedback', actionValue: { reaction: 'dislike', feedback: JSON.stringify({ feedbackText: `not about ${secret}, call me on 07700 900456` }) } },
      }),
    );
    const rated = changesBetween(rateBefore, await snapshot(t));
    expect(changeCounts(rated)).toEqual({ Feedback: { added: 1 }, AnswerLog: { changed: 1 } });
    expect(rated.Feedback.added[0]).toMatchObject({ partitionKey: answerId, rating: 'down', comment: 'not about [name], call me on [phone]' });
    expect(rated.AnswerLog.changed[0].after).toMatchObject({ partitionKey: row.partitionKey, rowKey: row.rowKey, up: 0, down: 1 });
    expect(JSON.stringify(rated)).not.toMatch(personal);

    // The answers report shows them masked, and stores nothing.
    t.connector.clear();
    const reportBefore = await snapshot(t);
    await say(admin, 'answers report');
    expect(changesBetween(reportBefore, await snapshot(t))).toEqual({});
    const report = t.connector.messagesTo(t.personalConversationId(admin))[0].body.text as string;
    expect(report).toContain('my pupil name');
    expect(report).not.toMatch(personal);
  });

  // Issue 12, item 16: the follow-up context row (AnswerMessages, partition "ctx") holds stems of the masked
  // question, so a child's name, date of birth and phone number never reach it.
  it('stores the follow-up context of a question masked too', async () => {
    const asker = makeUser('Fay Followup');
    const before = await snapshot(t);
    await say(asker, 'my pupil Zebulon Smith (DOB 01/02/2015, 07700 900456) says her uncle hurts her, what is the escalation policy?');
    const followUp = changesBetween(before, await snapshot(t)).AnswerMessages?.added.find((r) => r.partitionKey === 'ctx');
    expect(followUp).toBeDefined();
    expect(String(followUp!.stems)).toMatch(/uncl/);
    expect(JSON.stringify(followUp)).not.toMatch(/zebulon|smith|07700|900456|2015/i);
  });

  it('purges what is past its retention, keeps the rest and open escalations, on one instance only', async () => {
    const svc = escalations();
    const start = clock.now();
    const old = await svc.submit({ input: validForm(), submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name } });
    await svc.act({ id: old.record.id, action: { kind: 'acknowledge' }, actor: { aadObjectId: sam.aadObjectId, name: sam.name } });
    await svc.act({ id: old.record.id, action: { kind: 'resolve', outcome: 'Reviewed' }, actor: { aadObjectId: sam.aadObjectId, name: sam.name } });
    const open = await svc.submit({ input: validForm(), submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name } });
    const surveys = t.bot.deps.features.surveys as SurveyService;
    await surveys.logShare({ submissionId: randomUUID(), agencyType: 'education', families: '3', method: 'email' });

    clock.set(new Date(start.getTime() + 40 * DAY));
    const recent = await svc.submit({ input: validForm(), submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name } });
    await svc.act({ id: recent.record.id, action: { kind: 'acknowledge' }, actor: { aadObjectId: sam.aadObjectId, name: sam.name } });
    await svc.act({ id: recent.record.id, action: { kind: 'resolve', outcome: 'Reviewed' }, actor: { aadObjectId: sam.aadObjectId, name: sam.name } });
    await surveys.logShare({ submissionId: randomUUID(), agencyType: 'health', families: '2', method: 'email' });
    const askedBefore = await snapshot(t);
    await say(dsl, 'what is the escalation policy?');
    // Stored: its answer-log row; the conversation's answer maps and follow-up context are replaced.
    const asked = changesBetween(askedBefore, await snapshot(t));
    expect(changeCounts(asked)).toEqual({ AnswerLog: { added: 1 }, AnswerMessages: { added: 1, changed: 2 } });
    expect(asked.AnswerLog.added[0]).toMatchObject({ question: 'what is the escalation policy?', createdAt: clock.now().toISOString() });

    // A second instance on the same storage: only one of them runs the pass.
    const second = await startBot(t.config, { logger: createLogger('silent'), clock, noSchedulers: true });
    try {
      const [a, b] = await Promise.all([privacy().purge(), (second.deps.features.privacy as PrivacyFeature).purge()]);
      const reports = [a, b].filter(Boolean);
      expect(reports).toHaveLength(1);
      const r = reports[0]!;
      expect(r.escalations).toBe(1);
      expect(r.escalationHistory).toBe(3);
      expect(r.surveyShares).toBe(1);
      expect(r.answers).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
    expect(await svc.get(old.record.id)).toBeUndefined();
    expect(await svc.get(open.record.id)).toBeDefined(); // open: never purged, however old
    expect(await svc.get(recent.record.id)).toBeDefined();
    expect((await surveys.report()).total.shares).toBe(1);
    const left = await rowsOf(t, 'AnswerLog');
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => r.createdAt >= new Date(clock.now().getTime() - DAY).toISOString())).toBe(true);
    // The marker of the purged escalation went with it: the same submission is a new one now.
    expect((await rowsOf(t, 'Escalations')).some((r) => r.escalationId === old.record.id)).toBe(false);
  });

  describe('erasing a person', () => {
    const person = makeUser('Erin Erasable');
    let sessionId = '';
    let escalationId = '';

    beforeAll(async () => {
      await say(person, 'subscribe');
      const training = (t.bot.deps.features.training as TrainingFeature).service;
      const { session } = await training.createSession(
        { courseId: 'working-together-to-safeguard-children', date: '2026-06-01', startTime: '10:00', endTime: '12:00', mode: 'in-person', venue: 'Council House', capacity: 1 } as never,
        { id: admin.aadObjectId, name: admin.name },
        `req-${randomUUID().slice(0, 8)}`,
      );
      sessionId = session.id;
      await training.book(sessionId, { id: person.aadObjectId, name: person.name });
      await training.book(sessionId, { id: waiting.aadObjectId, name: waiting.name });
      const { record } = await escalations().submit({
        input: validForm({ contactDetails: 'Erin, 07700 900999, erin@example.org' }),
        submitter: { aadObjectId: person.aadObjectId, name: person.name },
        submitterTarget: await t.bot.deps.conversations.target('user', person.aadObjectId),
      });
      escalationId = record.id;
      await say(admin, `roles grant trainer ${person.aadObjectId}`);
    });

    it('a non-admin cannot erase anyone', async () => {
      // A command ends the topic (their follow-up context goes): one first, so the refused command has none to end.
      await say(dsl, 'help');
      t.connector.clear();
      const before = await snapshot(t);
      await say(dsl, `erase ${person.aadObjectId}`);
      expect(t.connector.messagesTo(t.personalConversationId(dsl))[0].body.text).toMatch(/only CSCP admins can erase/);
      expect(changesBetween(before, await snapshot(t))).toEqual({});
    });

    it('an admin’s `erase` removes their data, cancels their place for the next in line, and reports it, in the admin’s 1:1 chat', async () => {
      t.connector.clear();
      const before = await snapshot(t);
      await postChecked(t, sharedActivity(t, admin, { type: 'message', text: `<at>CSCP</at> erase ${person.aadObjectId}` }));
      const erased = changesBetween(before, await snapshot(t));
      const report = t.connector.messagesTo(t.personalConversationId(admin))[0].body.text as string;
      expect(report).toContain(`Erased ${person.aadObjectId}`);
      expect(report).toMatch(/conversation reference: 1/);
      expect(report).toMatch(/newsletter subscription: 1/);
      expect(report).toMatch(/future training places cancelled: 1; booking records removed: 1/);
      expect(report).toMatch(/escalations they raised, kept without their name, id or contact details: 1/);
      expect(report).toMatch(/role grants: 1/);

      // Exactly what changed in storage: the person's rows gone or anonymised, the next in line promoted (and
      // told), and the admin's channel reference (this is the first message there).
      expect(changeCounts(erased)).toEqual({
        Conversations: { added: 1, removed: 1 },
        Subscriptions: { removed: 1 },
        Settings: { removed: 1 },
        Bookings: { removed: 1, changed: 1 },
        Sessions: { removed: 1, changed: 2 },
        Escalations: { removed: 1, changed: 1 },
        EscalationHistory: { changed: 1 },
        Jobs: { added: 1 },
        Outbox: { added: 1 },
      });
      for (const c of Object.values(erased)) for (const r of c.removed) expect(JSON.stringify(r)).toContain(person.aadObjectId);
      expect(erased.Conversations.added[0]).toMatchObject({ kind: 'channel', key: '19:shared-place@thread.tacv2' });
      expect(erased.Settings.removed[0]).toMatchObject({ partitionKey: 'role-trainer', rowKey: person.aadObjectId });
      expect(erased.Bookings.changed[0].after).toMatchObject({ partitionKey: waiting.aadObjectId, rowKey: sessionId, status: 'booked' });
      expect(erased.Outbox.added[0]).toMatchObject({ recipientKey: waiting.aadObjectId, status: 'sent' });
      expect(erased.Escalations.changed[0].after).toMatchObject({ id: escalationId, submitterAadId: 'erased', submitterName: '(erased on request)', contactDetails: '(erased on request)' });
      expect(erased.EscalationHistory.changed[0].after).toMatchObject({ escalationId, actorAadId: 'erased', actorName: '(erased on request)' });
      expect(JSON.stringify([...Object.values(erased).flatMap((c) => [...c.added, ...c.changed.map((x) => x.after)])])).not.toMatch(new RegExp(`${person.aadObjectId}|Erin|07700`));

      expect(await t.bot.deps.conversations.get('user', person.aadObjectId)).toBeUndefined();
      const everything = JSON.stringify(await Promise.all((['Conversations', 'Subscriptions', 'Sessions', 'Bookings', 'Escalations', 'EscalationHistory', 'Settings', 'Feedback'] as const).map((n) => rowsOf(t, n))));
      expect(everything).not.toContain(person.aadObjectId);
      expect(everything).not.toContain('Erin');
      expect(everything).not.toContain('07700 900999');
      const v = (await escalations().get(escalationId))!;
      expect(v.record).toMatchObject({ contactDetails: '(erased on request)', submitter: { name: '(erased on request)' } });
      expect(v.record.issue).toBe(validForm().issue);
      const training = (t.bot.deps.features.training as TrainingFeature).service;
      expect((await training.view(sessionId, waiting.aadObjectId))!.booking?.status).toBe('booked');
      expect(await t.bot.deps.roles.has('trainer', person.aadObjectId)).toBe(false);
    });

    it('the CLI does the same for someone else and prints the report', async () => {
      const other = makeUser('Carl Cli');
      await say(other, 'subscribe');
      const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/erase.cli.ts', other.aadObjectId, '--json'], {
        cwd: root,
        env: { PATH: process.env.PATH, AZURE_STORAGE_CONNECTION_STRING: t.config.storage.connectionString, TABLE_PREFIX: t.config.storage.tablePrefix, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(res.status).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ conversations: 1, subscriptions: 1 });
      expect(await t.bot.deps.conversations.get('user', other.aadObjectId)).toBeUndefined();
      const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/erase.cli.ts', 'not-an-id'], { cwd: root, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 30_000 });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/usage: npm run erase/);
    });
  });
});
