import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeUser, startTestBot, type TestBot } from '../helpers/bot-harness';

/** The bot with a model configured: a local server speaking the chat-completions API writes the answer. */
describe('generative answers through the bot', () => {
  let t: TestBot;
  let server: http.Server;
  const prompts: string[] = [];
  let reply = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as { messages?: { content: string }[] };
        prompts.push((body.messages ?? []).map((m) => m.content).join('\n'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    jest.spyOn(console, 'log').mockImplementation(() => undefined); // teams-ai prints model errors with console.log
    t = await startTestBot({ OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'gpt-test', OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, MODEL_TIMEOUT_MS: '3000' });
  }, 60_000);
  afterAll(async () => {
    await t.stop();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends the retrieved passages to the model and shows its cited answer with citations', async () => {
    reply = 'Audits and rapid reviews support the independent scrutineer [1].';
    const user = makeUser();
    await t.say(user, 'What supports the independent scrutineer in the role?');
    const sent = t.connector.messagesTo(t.personalConversationId(user))[0].body;
    expect(prompts.at(-1)).toMatch(/\[1\]/);
    expect(prompts.at(-1)).toMatch(/Independent Scrutineer/i);
    expect(sent.text).toContain('Audits and rapid reviews support the independent scrutineer [1].');
    expect(sent.entities[0].citation[0].position).toBe(1);
  });

  it('falls back to the extractive answer when the model says the passages do not answer', async () => {
    reply = 'NOT_IN_GUIDANCE';
    const user = makeUser();
    await t.say(user, 'What supports the independent scrutineer in the role?');
    const sent = t.connector.messagesTo(t.personalConversationId(user))[0].body;
    expect(sent.text).toMatch(/Multi-agency audits/i);
  });
});
