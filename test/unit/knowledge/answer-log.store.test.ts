import { ManualClock } from '../../../src/clock';
import { UserInputError } from '../../../src/errors';
import { createAnswerLogStore } from '../../../src/knowledge/answer-log.store';
import type { AnswerResult } from '../../../src/knowledge/knowledge.types';
import type { Tables } from '../../../src/storage/tables';
import { testTables } from '../../helpers/storage';
import { createAnswerMessageMap } from '../../../bot/features/ask/answer-feedback.store';

const result = (answer: string, notFound = false, urgent = false): AnswerResult => ({
  answer,
  notFound,
  urgent,
  sources: [
    { n: 1, title: 'T', section: 'S', published: '2025-01', url: '', text: 'x', score: 1, chunkId: 'doc#3', outdated: false },
  ],
  followUps: [],
  notices: [],
  mode: 'extractive',
});

describe('answer log and feedback (Azurite)', () => {
  let tables: Tables;
  const clock = new ManualClock('2026-02-01T12:00:00Z');
  beforeAll(async () => {
    tables = await testTables();
  });
  afterAll(async () => {
    await tables.dropAll();
  });

  it('logs question, answer, source chunk ids and flags', async () => {
    const store = createAnswerLogStore(tables, clock);
    const id = await store.record('who chairs the board?', result('The chair is… [1]'));
    expect(id).toMatch(/^20260201_/);
    expect(await store.get(id)).toMatchObject({ question: 'who chairs the board?', sourceChunkIds: ['doc#3'], notFound: false, urgent: false, up: 0, down: 0 });
  });

  it('records one rating per user per answer, with a comment, and rejects unknown answers', async () => {
    const store = createAnswerLogStore(tables, clock);
    const id = await store.record('q1', result('a1'));
    await store.recordFeedback(id, 'user-a', 'up');
    await store.recordFeedback(id, 'user-a', 'down', 'wrong document');
    await store.recordFeedback(id, 'user-b', 'down');
    expect(await store.get(id)).toMatchObject({ up: 0, down: 2 });
    await expect(store.recordFeedback('20260201_nosuchanswer', 'user-a', 'up')).rejects.toBeInstanceOf(UserInputError);
    await expect(store.recordFeedback('garbage', 'user-a', 'up')).rejects.toBeInstanceOf(UserInputError);
  });

  it('stats count recent answers and list the worst-rated questions with comments', async () => {
    const store = createAnswerLogStore(tables, clock);
    const bad = await store.record('where is the neglect toolkit?', result('…', true));
    await store.recordFeedback(bad, 'u1', 'down', 'not helpful');
    await store.recordFeedback(bad, 'u2', 'down');
    await store.recordFeedback(bad, 'u3', 'down');
    const s = await store.stats(7);
    expect(s.answers).toBe(3);
    expect(s.notFound).toBe(1);
    expect(s.thumbsDown).toBe(5);
    expect(s.worst[0]).toMatchObject({ question: 'where is the neglect toolkit?', down: 3, comments: ['not helpful'] });
    expect(s.worst[1]).toMatchObject({ question: 'q1', down: 2 });
  });

  it('purges answers and feedback older than the retention period', async () => {
    const store = createAnswerLogStore(tables, clock);
    const oldId = (await store.stats(30)).worst[0].answerId;
    clock.advance(10 * 86_400_000);
    const recent = await store.record('new question', result('new answer', false, true));
    expect(await store.purge(5)).toBe(3);
    expect(await store.get(oldId)).toBeUndefined();
    expect(await store.get(recent)).toMatchObject({ urgent: true });
    const left: unknown[] = [];
    for await (const f of tables.client('Feedback').listEntities()) left.push(f);
    expect(left).toEqual([]);
  });

  it('keeps a follow-up context: the passages the answer quoted, the question masked, forgotten after a while', async () => {
    // (its own clock: this one is moved on a day)
    const clock = new ManualClock('2026-02-01T12:00:00Z');
    const map = createAnswerMessageMap(tables, clock);
    await map.saveContext('conv-1', {
      question: 'my pupil Jayden Smith 07700 900123 - who chairs the partnership?',
      chunkIds: ['doc#3', 'doc#4'],
      at: clock.now().getTime(),
    });
    const back = await map.contextFor('conv-1');
    expect(back).toMatchObject({ chunkIds: ['doc#3', 'doc#4'] });
    expect(back?.question).not.toMatch(/07700|900123/);
    expect(back?.question).toMatch(/chair/);
    clock.advance(24 * 60 * 60_000);
    expect(await map.contextFor('conv-1')).toBeUndefined();
  });
});
