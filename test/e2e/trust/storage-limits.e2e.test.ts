import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { ManualClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { createEscalationService } from '../../../src/escalations/escalation.service';
import type { Tables } from '../../../src/storage/tables';
import type { DigestsFeature } from '../../../bot/features/digests.feature';
import type { TrainingFeature } from '../../../bot/features/training.feature';
import type { AskServices } from '../../../bot/features/ask.feature';
import { escalationCardMessages } from '../../../cards/escalation.messages';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../../helpers/bot-harness';
import { testTables } from '../../helpers/storage';
import { largestCard, MAX_CARD_BYTES, MAX_REQUEST_CPU_MS, postTimed, rowsOf, sharedActivity } from '../../helpers/trust';
import { RecordingNotifier, channel, dsl, sam, submitterTarget, validForm } from '../../unit/escalations/escalation-fixtures';

/**
 * Issue 12, "Storage limits": a digest whose item list is over Table storage's 32K-character property limit,
 * and a capacity change that promotes more than a 100-operation batch (17); two people using the same card
 * in a channel, the SLA check when saving the card's id fails, and concurrent feedback counts (18).
 */

describe('storage limits over HTTP', () => {
  const admin = makeUser('Ada Admin');
  const trainerA = makeUser('Tina Trainer');
  const trainerB = makeUser('Tom Trainer');
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, TRAINER_IDS: `${trainerA.aadObjectId},${trainerB.aadObjectId}` }, { clock });
    for (const u of [admin, trainerA, trainerB]) await t.say(u, 'help');
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  it('a digest of 40 items with long links is stored whole (no property over 32K characters) and previewed', async () => {
    const link = (i: number) => `https://www.coventry.gov.uk/downloads/file/${i}/${'safeguarding-partnership-resource-'.repeat(25)}${i}.pdf`;
    const content = ['# CSCP newsletter, spring', ...Array.from({ length: 40 }, (_, i) => `## Item ${i + 1}: new guidance\n\nPractitioners should read the new guidance on topic ${i + 1} [here](${link(i)}).`)].join('\n\n');
    const res = await postTimed(t, { id: randomUUID(), type: 'message', channelId: 'msteams', serviceUrl: t.connector.url, from: { id: admin.id, aadObjectId: admin.aadObjectId }, recipient: { id: '28:bot' }, conversation: { id: t.personalConversationId(admin), conversationType: 'personal', tenantId: 'tenant-1' }, value: { verb: 'digestCreate', requestId: randomUUID(), title: 'Spring', published: '2026-03-01', format: 'markdown', content } });
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    expect(JSON.stringify(t.connector.activities)).toContain('Preview');
    expect(largestCard(t)).toBeLessThan(MAX_CARD_BYTES);
    const rows = await rowsOf(t, 'Digests');
    expect(rows).toHaveLength(1);
    for (const [k, v] of Object.entries(rows[0])) if (typeof v === 'string') expect({ k, length: v.length }).toEqual({ k, length: Math.min(v.length, 32_000) });
    const d = (await (t.bot.deps.features.digests as DigestsFeature).service.get(rows[0].rowKey))!;
    expect(d.items.length).toBe(d.totalItems);
    expect(JSON.stringify(d.items).length).toBeGreaterThan(32_768);
    expect(JSON.stringify(d.items)).toContain(link(39));
  });

  it('raising a session’s capacity past a waiting list of 110 books them all (several batches of at most 100)', async () => {
    const svc = (t.bot.deps.features.training as TrainingFeature).service;
    const { session } = await svc.createSession({ courseId: 'working-together-to-safeguard-children', date: '2026-04-20', startTime: '10:00', endTime: '12:00', mode: 'in-person', venue: 'Council House', capacity: 1 } as never, { id: trainerA.aadObjectId, name: trainerA.name }, `r${randomUUID().slice(0, 8)}`);
    for (let i = 0; i < 111; i++) await svc.book(session.id, { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Person ${i}` });
    expect((await svc.getSession(session.id))!).toMatchObject({ bookedCount: 1, waitingCount: 110 });
    const res = await postTimed(t, { id: randomUUID(), type: 'message', channelId: 'msteams', serviceUrl: t.connector.url, from: { id: trainerA.id, aadObjectId: trainerA.aadObjectId }, recipient: { id: '28:bot' }, conversation: { id: t.personalConversationId(trainerA), conversationType: 'personal', tenantId: 'tenant-1' }, value: { verb: 'trainingSave', requestId: 'abcdef123', sessionId: session.id, courseId: 'working-together-to-safeguard-children', date: '2026-04-20', startTime: '10:00', endTime: '12:00', mode: 'in-person', venue: 'Council House', capacity: '200', reason: 'Moved to the big hall' } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(t.connector.activities)).not.toMatch(/could not be saved/);
    const after = (await svc.getSession(session.id))!;
    expect(after).toMatchObject({ capacity: 200, bookedCount: 111, waitingCount: 0 });
    const { booked, waiting } = await svc.attendees(session.id);
    expect(booked).toHaveLength(111);
    expect(waiting).toHaveLength(0);
  });

  describe('one card in a channel, used by two people', () => {
    const channelId = '19:partners@thread.tacv2';
    const inChannel = (u: TestUser, value: Record<string, unknown>) => t.post(sharedActivity(t, u, { type: 'message', value, replyToId: 'card-1' }, { channel: channelId }));

    it('two people’s survey shares from the same card are both logged; one person twice is one', async () => {
      const submissionId = randomUUID();
      const share = { verb: 'surveyLog', submissionId, agencyType: 'education', families: '5', method: 'email' };
      const [p1, p2] = [makeUser('Paula One'), makeUser('Pete Two')];
      await inChannel(p1, share);
      await inChannel(p2, share);
      await inChannel(p1, share);
      const rows = await rowsOf(t, 'SurveyShares');
      expect(rows.filter((r) => r.submissionId === submissionId)).toHaveLength(2);
      // Anonymous still: nothing about who logged them.
      expect(JSON.stringify(rows)).not.toMatch(new RegExp(`${p1.aadObjectId}|${p2.aadObjectId}|Paula|Pete`));
    });

    it('two trainers publishing from the same session form make two sessions; one trainer twice makes one', async () => {
      const svc = (t.bot.deps.features.training as TrainingFeature).service;
      const before = (await svc.trainerSessions(100)).length;
      const form = { verb: 'trainingSave', requestId: 'sharedform1', courseId: 'working-together-to-safeguard-children', date: '2026-05-11', startTime: '10:00', endTime: '12:00', mode: 'in-person', venue: 'Council House', capacity: '10' };
      await inChannel(trainerA, form);
      await inChannel(trainerB, form);
      await inChannel(trainerA, form);
      const sessions = (await svc.trainerSessions(100)).filter((s) => s.startUtc.startsWith('2026-05-11'));
      expect((await svc.trainerSessions(100)).length).toBe(before + 2);
      expect(sessions.map((s) => s.createdBy).sort()).toEqual([trainerA.aadObjectId, trainerB.aadObjectId].map((x) => x.toLowerCase()).sort());
    });
  });

  it('twenty people rating one answer at once leave exact counts (ETag-conditional counter writes)', async () => {
    const ask = t.bot.deps.features.ask as AskServices;
    const answerId = await ask.answerLog.record('what is the escalation policy?', { answer: 'a', sources: [], notFound: false, urgent: false, notices: [], followUps: [] } as never);
    const raters = Array.from({ length: 20 }, (_, i) => ({ id: `rater-${i}`, rating: (i % 4 === 0 ? 'down' : 'up') as 'up' | 'down' }));
    await Promise.all(raters.map((r) => ask.answerLog.recordFeedback(answerId, r.id, r.rating)));
    const entry = (await ask.answerLog.get(answerId))!;
    expect({ up: entry.up, down: entry.down }).toEqual({ up: 15, down: 5 });
  });
});

/** Real tables, except that saving an escalation record fails while `failing` is set (storage fault after the post). */
function tablesFailingSaves(real: Tables, state: { failing: boolean }): Tables {
  return {
    ...real,
    client(name) {
      const c = real.client(name);
      if (name !== 'Escalations') return c;
      return new Proxy(c, {
        get(target, prop, receiver) {
          if (prop === 'updateEntity' && state.failing) {
            return async () => {
              throw Object.assign(new Error('storage unavailable'), { statusCode: 503 });
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      }) as TableClient;
    },
  };
}

describe('the SLA check when saving the team card’s id fails', () => {
  let tables: Tables;
  beforeAll(async () => {
    tables = await testTables();
  });
  afterAll(async () => tables.dropAll());

  it('posts the card once, and repairs the record from the claim instead of posting it every five minutes', async () => {
    const clock = new ManualClock('2026-05-05T10:00:00Z');
    const notifier = new RecordingNotifier();
    const state = { failing: false };
    const svc = createEscalationService({ tables: tablesFailingSaves(tables, state), notifier, clock, config: testConfig({ ESCALATION_TEAM_IDS: sam.aadObjectId }), logger: createLogger('silent'), messages: escalationCardMessages });
    await svc.setTeamChannel(channel, sam);
    state.failing = true;
    const { record } = await svc.submit({ input: validForm(), submitter: dsl, submitterTarget });
    const teamCards = () => notifier.sends.filter((s) => s.target.conversationId === channel.conversationId && JSON.stringify(s.message).includes(`Escalation ${record.id}`) && !JSON.stringify(s.message).includes('has not been acknowledged'));
    expect(teamCards()).toHaveLength(1);
    expect((await svc.get(record.id))!.record.channelActivityId).toBeUndefined();

    for (let i = 0; i < 3; i++) {
      clock.advance(5 * 60_000);
      await svc.checkSla(clock.now());
    }
    expect(teamCards()).toHaveLength(1);

    state.failing = false;
    clock.advance(5 * 60_000);
    const outcome = await svc.checkSla(clock.now());
    expect(outcome.posted).toEqual([record.id]);
    expect(teamCards()).toHaveLength(1);
    expect((await svc.get(record.id))!.record.channelActivityId).toBe('activity-1');
  });

  it('a post that failed is tried again on the next check', async () => {
    const clock = new ManualClock('2026-05-06T10:00:00Z');
    const notifier = new RecordingNotifier();
    const svc = createEscalationService({ tables, notifier, clock, config: testConfig({ ESCALATION_TEAM_IDS: sam.aadObjectId }), logger: createLogger('silent'), messages: escalationCardMessages });
    await svc.setTeamChannel(channel, sam);
    notifier.failSends = true;
    const { record } = await svc.submit({ input: validForm(), submitter: dsl, submitterTarget });
    notifier.failSends = false;
    clock.advance(5 * 60_000);
    expect((await svc.checkSla(clock.now())).posted).toEqual([record.id]);
    expect((await svc.get(record.id))!.record.channelActivityId).toBeDefined();
  });
});
