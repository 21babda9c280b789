import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../src/clock';
import type { TrainingFeature } from '../../bot/features/training.feature';
import { SessionStore } from '../../src/training/session.store';
import { sessionIdFor } from '../../src/training/training.service';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness';
import { validateCard } from '../helpers/card-validator';
import type { CapturedActivity } from '../helpers/connector';

const cardOf = (a: { body: Record<string, any> }) => a.body.attachments?.[0]?.content;
const json = (x: unknown) => JSON.stringify(x);

/** Every Action (incl. fallbacks and ShowCard contents) in a card, flattened. */
function actionsOf(card: any): any[] {
  const out: any[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (typeof n.type === 'string' && n.type.startsWith('Action.')) out.push(n);
    for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}

describe('training over HTTP (real server, Azurite, capture connector)', () => {
  const trainer = makeUser('Tina Trainer');
  const [p1, p2, p3] = [makeUser('Priya One'), makeUser('Paul Two'), makeUser('Pat Three')];
  const outsider = makeUser('Nora Notrainer');
  // Monday 2 March 2026; the session is on Monday 30 March 10:00 BST, the day after the clocks go forward.
  const clock = new ManualClock('2026-03-02T10:00:00Z');
  let t: TestBot;
  let feature: TrainingFeature;
  let store: SessionStore;

  beforeAll(async () => {
    t = await startTestBot({ TRAINER_IDS: trainer.aadObjectId }, { clock, noSchedulers: true });
    feature = t.bot.deps.features.training as TrainingFeature;
    store = new SessionStore(t.bot.deps.tables.client('Sessions'));
  });
  afterAll(async () => t.stop());

  const inbox = (u: TestUser) => t.connector.messagesTo(t.personalConversationId(u));
  const last = (u: TestUser) => inbox(u)[inbox(u).length - 1];
  const execute = (u: TestUser, verb: string, data: Record<string, unknown>) =>
    t.say(u, '', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } } });
  const titles = (u: TestUser) => inbox(u).map((a: CapturedActivity) => cardOf(a)?.body?.[0]?.text as string | undefined);

  async function openForm(): Promise<{ id: string; requestId: string; card: any }> {
    await t.say(trainer, 'training new');
    const form = last(trainer);
    const card = cardOf(form);
    expect(validateCard(card)).toEqual([]);
    const save = actionsOf(card).find((a) => a.data?.verb === 'trainingSave');
    return { id: form.id, requestId: save.data.requestId, card };
  }
  const formValues = { courseId: 'working-together-to-safeguard-children', date: '2026-03-30', startTime: '10:00', endTime: '12:30', mode: 'in-person', venue: 'Council House, Coventry', capacity: '2' };

  let sessionId = '';

  it('a trainer publishes a session of capacity 2 with the training new card', async () => {
    const form = await openForm();
    expect(json(form.card)).toContain('Management of Allegations (LADO)'); // courses seeded from the annual report
    expect(json(form.card)).toContain('NSPCC – Online Safety Workshop'); // and from the newsletter
    await t.submit(trainer, { verb: 'trainingSave', requestId: form.requestId, ...formValues }, form.id);
    await t.submit(trainer, { verb: 'trainingSave', requestId: form.requestId, ...formValues }, form.id); // double click
    const puts = t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === form.id);
    expect(json(cardOf(puts[puts.length - 1]))).toContain('Session published ✓');
    const sessions = await feature.service.trainerSessions();
    expect(sessions).toHaveLength(1);
    sessionId = sessions[0].id;
    expect(sessions[0]).toMatchObject({ capacity: 2, startUtc: '2026-03-30T09:00:00.000Z', trainerName: 'Tina Trainer', status: 'scheduled' });
  });

  it.each([
    ['a date in the past', { date: '2026-02-20' }, 'in the past'],
    ['an end before the start', { endTime: '09:00' }, 'The end time must be after the start time'],
    ['capacity 0', { capacity: '0' }, 'Capacity must be at least 1'],
    ['a negative capacity', { capacity: '-4' }, 'Capacity must be at least 1'],
    ['a join link that is not https', { mode: 'online', venue: '', joinUrl: 'http://example.org/meet' }, 'The join link must start with https://'],
  ])('refuses %s with a message on the card and writes nothing', async (_l, over, message) => {
    const form = await openForm();
    await t.submit(trainer, { verb: 'trainingSave', requestId: form.requestId, ...formValues, ...over }, form.id);
    const put = t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === form.id).pop()!;
    const card = cardOf(put);
    expect(json(card)).toContain(message);
    expect(validateCard(card)).toEqual([]);
    expect(await store.get(sessionIdFor(form.requestId, trainer.aadObjectId))).toBeUndefined();
    expect(await feature.service.trainerSessions()).toHaveLength(1);
  });

  it('a non-trainer can neither create nor cancel sessions', async () => {
    await t.say(outsider, 'training new');
    expect(last(outsider).body.text).toMatch(/only CSCP trainers/);
    await t.submit(outsider, { verb: 'trainingSave', requestId: 'outsider01', ...formValues });
    expect(last(outsider).body.text).toMatch(/only CSCP trainers/);
    await t.submit(outsider, { verb: 'trainingCancelSession', sessionId, reason: 'I do not like it' });
    expect(last(outsider).body.text).toMatch(/only CSCP trainers/);
    await t.say(outsider, 'training list');
    expect(last(outsider).body.text).toMatch(/only CSCP trainers/);
    expect(await store.get('ts-outsider01')).toBeUndefined();
    expect(await store.get(sessionId)).toMatchObject({ status: 'scheduled' });
  });

  it('three practitioners book: two places (Action.Execute and the Submit fallback), the third is wait-listed; a double click books once', async () => {
    for (const p of [p1, p2, p3]) await t.say(p, 'training');
    const list = cardOf(last(p1));
    expect(validateCard(list)).toEqual([]);
    const book = actionsOf(list).find((a) => a.type === 'Action.Execute' && a.verb === 'trainingBook');
    expect(book).toMatchObject({ title: 'Book a place', data: { sessionId }, fallback: { type: 'Action.Submit', data: { verb: 'trainingBook', sessionId } } });

    const [r1, r1again] = await Promise.all([execute(p1, 'trainingBook', book.data), execute(p1, 'trainingBook', book.data)]);
    for (const r of [r1, r1again]) expect(r.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const refreshed = r1.body.value;
    expect(validateCard(refreshed)).toEqual([]);
    expect(json(refreshed)).toContain('Booked ✓');
    expect(actionsOf(refreshed).some((a) => a.type === 'Action.Execute' && a.title === 'Cancel booking')).toBe(true);
    expect((await store.bookings(sessionId)).filter((b) => b.personId === p1.aadObjectId)).toHaveLength(1);
    // the confirmation message carries a Teams new-meeting deep link
    const confirmation = inbox(p1).find((a) => json(cardOf(a)).includes('Add to calendar') && cardOf(a).body[0].text === 'Booked ✓');
    expect(confirmation).toBeDefined();
    const link = actionsOf(cardOf(confirmation!)).find((a) => a.title === 'Add to calendar').url as string;
    expect(link).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meeting\/new\?subject=CSCP%20training%3A%20Working%20Together/);
    expect(link).toContain('startTime=2026-03-30T10%3A00%3A00%2B01%3A00');
    expect(link).toContain('endTime=2026-03-30T12%3A30%3A00%2B01%3A00');
    expect(link).toContain('content=Venue%3A%20Council%20House');

    const p2List = last(p2);
    await t.submit(p2, { verb: 'trainingBook', sessionId, view: 'list' }, p2List.id);
    const p2Put = t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === p2List.id).pop()!;
    expect(json(cardOf(p2Put))).toContain('Booked ✓');

    const r3 = await execute(p3, 'trainingBook', { sessionId, view: 'list' });
    expect(json(r3.body.value)).toContain('waiting list (number 1 in line)');
    expect(await store.get(sessionId)).toMatchObject({ bookedCount: 2, waitingCount: 1 });
  });

  it('one cancels; the third is promoted and told; my training shows it', async () => {
    const r = await execute(p1, 'trainingCancelBooking', { sessionId, view: 'list' });
    expect(json(r.body.value)).toContain('you are no longer booked');
    await feature.service.whenIdle();
    await t.connector.waitFor(() => titles(p3).includes('A place came up: you are booked ✓'));
    expect(await store.get(sessionId)).toMatchObject({ bookedCount: 2, waitingCount: 0 });
    await t.say(p3, 'my training');
    const mine = cardOf(last(p3));
    expect(validateCard(mine)).toEqual([]);
    expect(json(mine)).toContain('Working Together to Safeguard Children');
    expect(json(mine)).toContain('Booked ✓');
  });

  it('natural phrasing opens the sessions card; the course filter re-renders it in place', async () => {
    await t.say(p2, 'can I book a place on a training course please');
    const card = cardOf(last(p2));
    expect(card.body[0].text).toBe('Upcoming multi-agency training');
    expect(json(card)).toContain('Booked ✓');
    await t.say(p2, 'show my bookings');
    expect(cardOf(last(p2)).body[0].text).toBe('My training');
    await t.say(p2, 'training');
    const listMsg = last(p2);
    await t.submit(p2, { verb: 'trainingFilter', courseId: 'five-to-thrive' }, listMsg.id);
    const put = t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === listMsg.id).pop()!;
    expect(json(cardOf(put))).toContain('No upcoming sessions of this course yet.');
    expect(validateCard(cardOf(put))).toEqual([]);
  });

  it('an ask that names a course opens the list filtered to it, or says nothing of it is coming up', async () => {
    await t.say(p3, 'i would like to book onto the next working together to safeguard children course please');
    const card = cardOf(last(p3));
    expect(validateCard(card)).toEqual([]);
    expect(card.body[0].text).toBe('Upcoming multi-agency training');
    expect(json(card)).toContain('Sessions of **Working Together to Safeguard Children**');
    // Five to Thrive has no session: the person is told, above everything that is coming up
    await t.say(p3, 'can I book on to five to thrive training please');
    const none = cardOf(last(p3));
    expect(validateCard(none)).toEqual([]);
    expect(json(none)).toContain('Nothing is coming up for Five to Thrive yet. Here is all the training that is.');
    expect(json(none)).toContain('Working Together to Safeguard Children');
    expect(json(none)).not.toContain('Sessions of');
    // typed as the command word, nothing is guessed
    await t.say(p3, 'training');
    expect(json(cardOf(last(p3)))).not.toMatch(/Sessions of|Nothing is coming up/);
  });

  it('the trainer sees bookings per session and gets the attendee list as a card and a CSV file', async () => {
    await t.say(trainer, 'training list');
    const list = cardOf(last(trainer));
    expect(validateCard(list)).toEqual([]);
    expect(json(list)).toContain('2 of 2 booked · full');
    await t.submit(trainer, { verb: 'trainingAttendees', sessionId });
    const att = cardOf(last(trainer));
    expect(validateCard(att)).toEqual([]);
    expect(json(att)).toContain('Paul Two');
    expect(json(att)).toContain('Pat Three');
    expect(json(att)).not.toContain('Priya One');
    await t.submit(trainer, { verb: 'trainingAttendeesCsv', sessionId });
    // In a 1:1 chat Teams only takes files through a consent card; accepting it gives an upload URL.
    const consent = last(trainer).body.attachments[0];
    expect(consent).toMatchObject({
      contentType: 'application/vnd.microsoft.teams.card.file.consent',
      name: 'attendees-working-together-to-safeguard-children-2026-03-30.csv',
      content: { acceptContext: { kind: 'training-attendees-csv', sessionId } },
    });
    const uploads: string[] = [];
    const drive = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        uploads.push(body);
        res.writeHead(201);
        res.end('{}');
      });
    });
    await new Promise<void>((r) => drive.listen(0, '127.0.0.1', () => r()));
    try {
      const uploadUrl = `http://127.0.0.1:${(drive.address() as AddressInfo).port}/upload`;
      const res = await t.say(trainer, '', {
        type: 'invoke',
        name: 'fileConsent/invoke',
        value: { type: 'fileUpload', action: 'accept', context: consent.content.acceptContext, uploadInfo: { name: consent.name, uploadUrl, contentUrl: 'https://example.sharepoint.com/f.csv', uniqueId: 'u1', fileType: 'csv' } },
      });
      expect(res.status).toBe(200);
    } finally {
      await new Promise<void>((r) => drive.close(() => r()));
    }
    expect(uploads).toHaveLength(1);
    expect(uploads[0].split('\r\n')[0]).toContain('"Name","Status"');
    expect(uploads[0]).toContain('"Paul Two","booked"');
    expect(last(trainer).body.attachments[0].contentType).toBe('application/vnd.microsoft.teams.card.file.info');
  });

  it('the clock moves forward: each booked person gets each reminder exactly once (ticks run twice), the cancelled one none', async () => {
    const tick = () => feature.service.tick();
    clock.set('2026-03-23T09:00:00Z'); // Monday 09:00 GMT, 7 days before
    await tick();
    await tick();
    clock.set('2026-03-29T08:00:00Z'); // Sunday 09:00 BST (clocks went forward at 01:00 UTC), 1 day before
    await tick();
    await tick();
    clock.set('2026-03-29T12:00:00Z');
    await tick();
    for (const p of [p2, p3]) {
      expect(titles(p).filter((x) => x === 'Reminder: training in 7 days')).toHaveLength(1);
      expect(titles(p).filter((x) => x === 'Reminder: training tomorrow')).toHaveLength(1);
    }
    expect(titles(p1).filter((x) => x?.startsWith('Reminder'))).toEqual([]);
    const reminder = inbox(p2).find((a) => cardOf(a)?.body?.[0]?.text === 'Reminder: training tomorrow')!;
    expect(validateCard(cardOf(reminder))).toEqual([]);
  });

  it('the trainer messages everyone booked once; cancelling a session tells them with the reason, and it can no longer be booked', async () => {
    await t.say(trainer, 'training remind');
    const remind = last(trainer);
    const send = actionsOf(cardOf(remind)).find((a) => a.data?.verb === 'trainingRemind');
    await t.submit(trainer, { ...send.data, sessionId, message: 'Parking is at the Salt Lane car park.' }, remind.id);
    await t.submit(trainer, { ...send.data, sessionId, message: 'Parking is at the Salt Lane car park.' }, remind.id);
    await feature.service.whenIdle();
    for (const p of [p2, p3]) expect(titles(p).filter((x) => x === 'Message from your trainer')).toHaveLength(1);
    expect(titles(p1)).not.toContain('Message from your trainer');

    await t.submit(trainer, { verb: 'trainingCancelSession', sessionId, reason: '' });
    expect(await store.get(sessionId)).toMatchObject({ status: 'scheduled' });
    await t.submit(trainer, { verb: 'trainingCancelSession', sessionId, reason: 'Trainer unwell' });
    await feature.service.whenIdle();
    for (const p of [p2, p3]) {
      const notice = inbox(p).find((a) => cardOf(a)?.body?.[0]?.text === 'Training session cancelled');
      expect(json(cardOf(notice!))).toContain('Trainer unwell');
    }
    const r = await execute(p1, 'trainingBook', { sessionId, view: 'list' });
    expect(json(r.body.value)).toContain('this session has been cancelled');
    expect((await store.getBooking(sessionId, p1.aadObjectId))?.status).toBe('cancelled');
    clock.set('2026-03-30T08:00:00Z'); // the 1-hour mark: nothing for a cancelled session
    const before = t.connector.activities.length;
    await feature.service.tick();
    expect(t.connector.activities.length).toBe(before);
  });
});
