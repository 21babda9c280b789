import { startBot, type RunningBot } from '../../bot/main';
import type { AskServices } from '../../bot/features/ask.feature';
import { testConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { CaptureConnector } from '../helpers/connector';
import { waitUntil } from '../helpers/flows';
import { OwnAzurite } from '../helpers/own-azurite';
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
