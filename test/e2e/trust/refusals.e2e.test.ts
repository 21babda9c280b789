import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TABLE_NAMES } from '../../../src/storage/tables';
import type { DigestsFeature } from '../../../bot/features/digests.feature';
import type { EscalationsFeature } from '../../../bot/features/escalations.feature';
import type { TrainingFeature } from '../../../bot/features/training.feature';
import { makeUser, startTestBot, type TestBot } from '../../helpers/bot-harness';
import { largestCard, MAX_CARD_BYTES, MAX_REQUEST_CPU_MS, postTimed } from '../../helpers/trust';
import { validForm } from '../../unit/escalations/escalation-fixtures';

/**
 * Issue 12, "Checks no test protects" (19): every staff command, card button and Action.Execute verb the bot
 * answers is tried by someone with no role. Each gets its polite refusal, changes nothing in storage and shows
 * none of the staff data. The lists below must name every route the bot has: a new route fails this test until
 * it is classed as staff (with its refusal) or as open to everyone.
 */

const ADMIN = /only CSCP admins/;
const TRAINER = /only CSCP trainers/;
const TEAM = /Only members of the escalation team/;
const SECRET = `Secretworth${randomUUID().slice(0, 6)}`;

/** Routes anyone may use (their own data only). */
const PUBLIC = {
  commands: ['help', 'subscribe', 'unsubscribe', 'unsubscribe asked', 'my subscriptions', 'my escalations', 'escalate', 'survey', 'training', 'my training'],
  submits: ['help', 'ask', 'survey', 'surveyLog', 'escalate', 'myEscalations', 'escalationSubmit', 'training', 'trainingFilter', 'trainingBook', 'trainingCancelBooking', 'trainingMine', 'subscribe', 'unsubscribe'],
  executes: ['trainingBook', 'trainingCancelBooking'],
};

describe('every staff route refuses someone without the role, over HTTP', () => {
  const admin = makeUser('Ada Admin');
  const trainer = makeUser('Tina Trainer');
  const plain = makeUser('Percy Plain');
  let t: TestBot;
  let sessionId = '';
  let escalationId = '';
  let digestId = '';
  const uploads: string[] = [];
  let uploadServer: http.Server;
  let uploadUrl = '';

  /** The text command, submit data or invoke for each staff route, with the refusal expected. */
  const staff = () => ({
    commands: {
      'answers report': ['answers report', ADMIN],
      roles: [`roles grant admin ${plain.aadObjectId}`, ADMIN],
      'digest new': ['digest new', ADMIN],
      'digest report': ['digest report', ADMIN],
      'digest preview': [`digest preview ${digestId}`, ADMIN],
      digest: ['digest', ADMIN],
      attachment: ['', /I can only read text messages/],
      'escalations here': ['escalations here', ADMIN],
      'escalations report': ['escalations report', /for the escalation team and CSCP admins/],
      erase: [`erase ${trainer.aadObjectId}`, ADMIN],
      'survey set': ['survey set https://forms.office.com/r/evil', ADMIN],
      'survey report': ['survey report', /survey report is for CSCP admins/],
      'training new': ['training new', TRAINER],
      'training list': ['training list', TRAINER],
      'training remind': ['training remind', TRAINER],
      'training courses': ['training courses', TRAINER],
    } as Record<string, [string, RegExp]>,
    submits: {
      digestNew: [{}, ADMIN],
      digestCreate: [{ requestId: randomUUID(), title: 'Mine', content: '# Mine\n\n## A\n\nText.' }, ADMIN],
      digestSend: [{ digestId }, ADMIN],
      digestSchedule: [{ digestId, scheduleDate: '2026-12-01', scheduleTime: '09:00' }, ADMIN],
      digestCancel: [{ digestId }, ADMIN],
      digestRetry: [{ digestId }, ADMIN],
      digestReport: [{ digestId }, ADMIN],
      surveyReportCsv: [{}, /survey report is for CSCP admins/],
      escalationAck: [{ escalationId }, TEAM],
      escalationAssign: [{ escalationId }, TEAM],
      escalationNote: [{ escalationId, note: 'mine now' }, TEAM],
      escalationResolve: [{ escalationId, outcome: 'closed' }, TEAM],
      escalationReopen: [{ escalationId }, TEAM],
      trainingNew: [{}, TRAINER],
      trainingSave: [{ requestId: 'abcdef999', courseId: 'working-together-to-safeguard-children', date: '2026-07-01', startTime: '10:00', endTime: '11:00', mode: 'in-person', venue: 'x', capacity: '5' }, TRAINER],
      trainingEdit: [{ sessionId }, TRAINER],
      trainingCancelSession: [{ sessionId, reason: 'because' }, TRAINER],
      trainingAttendees: [{ sessionId }, TRAINER],
      trainingAttendeesCsv: [{ sessionId }, TRAINER],
      trainingRemind: [{ sessionId, message: 'hello all', requestId: 'abcdef777' }, TRAINER],
      trainingList: [{}, TRAINER],
      trainingCourses: [{}, TRAINER],
      trainingCourseSave: [{ name: 'A course of my own' }, TRAINER],
    } as Record<string, [Record<string, unknown>, RegExp]>,
    executes: {
      escalationAck: [{ escalationId }, TEAM],
      escalationAssign: [{ escalationId }, TEAM],
      escalationNote: [{ escalationId, note: 'mine' }, TEAM],
      escalationResolve: [{ escalationId, outcome: 'closed' }, TEAM],
      escalationReopen: [{ escalationId }, TEAM],
    } as Record<string, [Record<string, unknown>, RegExp]>,
  });

  /** A fingerprint of everything stored (but the plain user's own conversation reference, written on any message). */
  async function stored(): Promise<string> {
    // Writes queued after earlier turns land first; instances' heartbeats (rate shares, job leases) are
    // not what a person stored.
    await t.bot.deps.bookkeeping.idle();
    const h = createHash('sha256');
    for (const name of TABLE_NAMES) {
      if (name === 'Conversations' || name === 'Chunks' || name === 'Documents' || name === 'RateShares' || name === 'Leases') continue;
      const rows: string[] = [];
      for await (const r of t.bot.deps.tables.client(name).listEntities()) rows.push(`${r.partitionKey}|${r.rowKey}|${r.etag}`);
      h.update(`${name}:${rows.sort().join(',')}\n`);
    }
    return h.digest('hex');
  }

  beforeAll(async () => {
    uploadServer = http.createServer((req, res) => {
      uploads.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(201);
      res.end();
    });
    await new Promise<void>((r) => uploadServer.listen(0, '127.0.0.1', () => r()));
    uploadUrl = `http://127.0.0.1:${(uploadServer.address() as AddressInfo).port}/upload`;
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, TRAINER_IDS: trainer.aadObjectId });
    const training = (t.bot.deps.features.training as TrainingFeature).service;
    const { session } = await training.createSession(
      { courseId: 'working-together-to-safeguard-children', date: '2026-12-20', startTime: '10:00', endTime: '12:00', mode: 'in-person', venue: 'Council House', capacity: 5 } as never,
      { id: trainer.aadObjectId, name: trainer.name },
      `r${randomUUID().slice(0, 8)}`,
    );
    sessionId = session.id;
    await training.book(sessionId, { id: randomUUID(), name: `${SECRET} Booker` });
    escalationId = (await (t.bot.deps.features.escalations as EscalationsFeature).service.submit({ input: validForm({ issue: `${SECRET}: the decision to close the case.` }), submitter: { aadObjectId: randomUUID(), name: 'Dana Lead' } })).record.id;
    digestId = (await (t.bot.deps.features.digests as DigestsFeature).service.create({ content: `# ${SECRET}\n\n## Item\n\nText of the item.`, format: 'markdown', title: SECRET, createdBy: admin.aadObjectId })).id;
    await t.say(plain, 'help');
  });
  afterAll(async () => {
    await t.stop();
    await new Promise<void>((r) => uploadServer.close(() => r()));
  });
  beforeEach(() => t.connector.clear());

  it('the lists name every route the bot answers, each once as staff or open', () => {
    const s = staff();
    const classified = (kind: 'commands' | 'submits' | 'executes') => [...Object.keys(s[kind]), ...PUBLIC[kind]].sort();
    expect(classified('commands')).toEqual([...new Set(t.bot.routes.commands)].sort());
    expect(classified('submits')).toEqual([...new Set(t.bot.routes.submits)].sort());
    expect(classified('executes')).toEqual([...new Set(t.bot.routes.executes)].sort());
  });

  const base = () => ({
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: t.connector.url,
    from: { id: plain.id, aadObjectId: plain.aadObjectId, name: plain.name },
    recipient: { id: '28:bot' },
    conversation: { id: t.personalConversationId(plain), conversationType: 'personal', tenantId: 'tenant-1' },
  });

  async function expectRefused(activity: Record<string, unknown>, refusal: RegExp): Promise<void> {
    const before = await stored();
    const res = await postTimed(t, activity);
    expect(res.status).toBe(200);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    const said = JSON.stringify([res.body, ...t.connector.activities.map((a) => a.body)]);
    expect(said).toMatch(refusal);
    expect(said).not.toContain(SECRET);
    expect(largestCard(t, [res.body])).toBeLessThan(MAX_CARD_BYTES);
    expect(await stored()).toBe(before);
  }

  it.each([
    'answers report', 'roles', 'digest new', 'digest report', 'digest preview', 'digest', 'attachment', 'escalations here', 'escalations report',
    'erase', 'survey set', 'survey report', 'training new', 'training list', 'training remind', 'training courses',
  ])('command: %s', async (name) => {
    const [text, refusal] = staff().commands[name];
    const extra = name === 'attachment' ? { attachments: [{ contentType: 'text/markdown', name: 'news.md', contentUrl: 'data:text/markdown;base64,IyBOZXdz' }] } : {};
    await expectRefused({ ...base(), type: 'message', text, ...extra }, refusal);
  });

  it.each([
    'digestNew', 'digestCreate', 'digestSend', 'digestSchedule', 'digestCancel', 'digestRetry', 'digestReport', 'surveyReportCsv',
    'escalationAck', 'escalationAssign', 'escalationNote', 'escalationResolve', 'escalationReopen',
    'trainingNew', 'trainingSave', 'trainingEdit', 'trainingCancelSession', 'trainingAttendees', 'trainingAttendeesCsv', 'trainingRemind', 'trainingList', 'trainingCourses', 'trainingCourseSave',
  ])('button (Action.Submit): %s', async (verb) => {
    const [data, refusal] = staff().submits[verb];
    await expectRefused({ ...base(), type: 'message', value: { verb, ...data }, replyToId: 'card-1' }, refusal);
  });

  it.each(['escalationAck', 'escalationAssign', 'escalationNote', 'escalationResolve', 'escalationReopen'])('button (Action.Execute): %s', async (verb) => {
    const [data, refusal] = staff().executes[verb];
    await expectRefused({ ...base(), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } } }, refusal);
  });

  it.each([
    ['the attendee list CSV', { kind: 'training-attendees-csv', sessionId: '' }],
    ['the survey reach CSV', { kind: 'survey-reach-csv' }],
  ])('file-consent “Allow” on %s offered to someone else uploads nothing', async (_n, context) => {
    const ctxData = { ...context, ...('sessionId' in context ? { sessionId } : {}) };
    await expectRefused(
      { ...base(), type: 'invoke', name: 'fileConsent/invoke', value: { type: 'fileUpload', action: 'accept', context: ctxData, uploadInfo: { name: 'x.csv', uploadUrl, contentUrl: uploadUrl, uniqueId: 'u', fileType: 'csv' } } },
      /only for the staff it was offered to/,
    );
    expect(uploads).toEqual([]);
  });
});
