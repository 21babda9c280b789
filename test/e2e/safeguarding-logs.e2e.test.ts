import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/logger';
import { makeUser, startTestBot, type TestBot } from '../helpers/bot-harness';

/** What the bot writes to its logs while people use it: ids and flags, never their words or names. */
describe('logs and failures', () => {
  let t: TestBot;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const admin = makeUser('Ada Admin');
  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId }, { logger: createLogger('info', sink) });
  }, 60_000);
  afterAll(async () => t.stop());

  it('logs no question text, name or free text at info level', async () => {
    const secret = `Zebulon${randomUUID().slice(0, 6)}`;
    const user = makeUser(`Penelope ${secret}`);
    await t.say(user, `my pupil ${secret} told me her uncle hurts her, what is the escalation policy?`);
    await t.say(user, `${secret} has just run away from home and is missing right now`);
    await t.say(user, 'help');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    expect(lines.some((l) => /"msg":"answered"/.test(l) && /"activityId"/.test(l))).toBe(true);
  });

  it('apologises when a turn fails, logs the activity id, and keeps serving', async () => {
    // Take the Settings table away under the running bot: listing roles then fails inside the turn.
    await t.bot.deps.tables.client('Settings').deleteTable();
    const activityId = randomUUID();
    const res = await t.post({
      type: 'message', id: activityId, text: 'roles list', channelId: 'msteams', serviceUrl: t.connector.url,
      from: { id: admin.id, aadObjectId: admin.aadObjectId, name: admin.name }, recipient: { id: '28:bot' },
      conversation: { id: t.personalConversationId(admin), conversationType: 'personal' },
    });
    expect(res.status).toBe(200);
    const reply = t.connector.messagesTo(t.personalConversationId(admin)).at(-1)!.body.text as string;
    expect(reply).toMatch(/^Sorry, something went wrong/);
    expect(reply).toContain('call 999');
    expect(lines.some((l) => l.includes('"turn failed"') && l.includes(activityId))).toBe(true);

    await t.bot.deps.tables.client('Settings').createTable();
    const user = makeUser();
    await t.say(user, 'help');
    expect(t.connector.messagesTo(t.personalConversationId(user))).toHaveLength(1);
  });

  it('shows admins the answers report with counts and the worst-rated questions', async () => {
    await t.say(admin, 'answers report');
    const text = t.connector.messagesTo(t.personalConversationId(admin)).at(-1)!.body.text as string;
    expect(text).toMatch(/questions answered: [1-9]/);
    expect(text).toContain('Worst-rated recent questions');
    const other = makeUser();
    await t.say(other, 'answers report');
    expect(t.connector.messagesTo(t.personalConversationId(other)).at(-1)!.body.text).toMatch(/only CSCP admins/);
  });
});
