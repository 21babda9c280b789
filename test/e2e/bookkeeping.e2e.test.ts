import { startBot, type RunningBot } from '../../bot/main';
import type { AskServices } from '../../bot/features/ask.feature';
import { testConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { DateTime } from 'luxon';
import { ConnectorSimulator } from '../bench/connector-simulator';
import { CaptureConnector } from '../helpers/connector';
import { book, inParallel, trainerPublishesSession, waitUntil } from '../helpers/flows';
import { OwnAzurite } from '../helpers/own-azurite';
import { testConnectionString, uniquePrefix } from '../helpers/storage';
import { TeamsClient, teamsUser } from '../helpers/teams-client';

/**
 * Answer first, book-keep after: with the Table service down, a question is still answered and the HTTP response
 * comes at once (it used to wait on the conversation-reference and answer-log writes, which the storage client
 * retries for several seconds); the writes wait in the bounded queue and land when storage is back.
 */
describe('bookkeeping after the answer, through a storage outage', () => {
  const azurite = new OwnAzurite();
  let connector: CaptureConnector;
  let bot: RunningBot;
  beforeAll(async () => {
    await azurite.start();
    connector = await new CaptureConnector().start();
    bot = await startBot(testConfig({ PORT: '0', BIND_HOST: '127.0.0.1', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: 'bookkeeping' }), {
      logger: createLogger('silent'),
      noSchedulers: true,
    });
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await azurite.stop();
  });

  it('answers while storage is down without waiting for it; the answer log and the conversation land once it is back', async () => {
    const client = new TeamsClient(connector.url);
    const url = `http://127.0.0.1:${bot.port}/api/messages`;
    await client.say(url, teamsUser('warm', 'bk'), 'what is the MASH?');
    await bot.deps.bookkeeping.idle();

    await azurite.down();
    const person = teamsUser('during-outage', 'bk');
    const started = performance.now();
    expect(await client.say(url, person, 'who do I tell if a safeguarding practice review is delayed?')).toBe(200);
    const ms = performance.now() - started;
    const reply = connector.messagesTo(person.conversationId)[0];
    expect(reply.body.text).toBeTruthy();
    // The storage client alone retries a refused connection for several seconds before it gives up; the response
    // did not wait for any of that (a bound with a wide margin, not a speed target).
    expect(ms).toBeLessThan(2500);
    expect(bot.deps.bookkeeping.size).toBeGreaterThan(0); // the writes are waiting, not lost

    await new Promise((r) => setTimeout(r, 3000));
    await azurite.start();
    await waitUntil(() => bot.deps.bookkeeping.size === 0, 60_000, 'the queued writes');
    expect(bot.deps.bookkeeping.stats.failed).toBe(0);
    const ask = bot.deps.features.ask as AskServices;
    const answerId = await ask.messages.answerIdFor(reply.id);
    expect(answerId).toBeDefined();
    expect((await ask.answerLog.get(answerId!))?.question).toBe('who do I tell if a safeguarding practice review is delayed?');
    expect(await bot.deps.conversations.get('user', person.aadObjectId)).toMatchObject({ conversationId: person.conversationId, userId: person.id });
  }, 120_000);
});

describe('where to reach a person is stored at once, not held behind the answer logs', () => {
  it('a trainer messaging everyone right after they booked reaches every one of them', async () => {
    const trainer = teamsUser('trainer', 'reach');
    const sim = await new ConnectorSimulator({ ratePerSecond: 1000 }).start();
    const bot = await startBot(
      testConfig({ PORT: '0', BIND_HOST: '127.0.0.1', AZURE_STORAGE_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: uniquePrefix(), TRAINER_IDS: trainer.aadObjectId }),
      { logger: createLogger('silent'), noSchedulers: true },
    );
    try {
      const client = new TeamsClient(sim.url);
      const url = `http://127.0.0.1:${bot.port}/api/messages`;
      const people = Array.from({ length: 12 }, (_, i) => teamsUser(i, 'reach'));
      const tomorrow = DateTime.now().setZone('Europe/London').plus({ days: 1 }).toISODate()!;
      const sessionId = await trainerPublishesSession(client, url, sim, trainer, people[0], { date: tomorrow, startTime: '10:00', endTime: '11:00', capacity: 20, joinUrl: 'https://teams.microsoft.com/l/meetup-join/reach' });
      // Other people keep the bot busy asking questions meanwhile (their answer logs are held while it is busy).
      let asking = true;
      const askers = Array.from({ length: 6 }, async (_, i) => {
        for (let n = 0; asking; n++) await client.say(url, teamsUser(`${i}-${n % 3}`, 'asker'), 'what is the MASH?');
      });
      // Their first messages to the bot are the bookings (no waiting for the bookkeeping in between).
      await inParallel(people, 6, (p) => book(client, url, p, sessionId));
      sim.resetCounters();
      await client.submit(url, trainer, { verb: 'trainingRemind', sessionId, requestId: 'reach-message-1', message: 'The room has changed: see the link.' });
      asking = false;
      await Promise.all(askers);
      await waitUntil(() => sim.tally(people.map((p) => ({ conversationId: p.conversationId }))).sent === people.length, 20_000, 'the message to everyone booked');
      expect(sim.tally(people.map((p) => ({ conversationId: p.conversationId })))).toMatchObject({ sent: 12, duplicates: 0, missing: 0 });
    } finally {
      await bot.stop();
      await bot.deps.tables.dropAll();
      await sim.stop();
    }
  }, 60_000);
});
