import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createGeneratorFromConfig, groundModelAnswer } from '../../../bot/knowledge/teams-ai-generator';
import { ManualClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { createKnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import type { AnswerSource, Chunk } from '../../../src/knowledge/knowledge.types';
import { createLogger } from '../../../src/logger';

/*
 * The generative path end to end against a local server speaking the chat-completions API (OpenAI's
 * /v1/chat/completions and Azure's /openai/deployments/{d}/chat/completions?api-version=…): what the
 * prompt carries, how the reply's [n] markers map to the cited sources, and the extractive fallback on a
 * server error, a reply slower than the timeout, an uncited reply and an invented contact detail.
 */

const chunk = (docId: string, heading: string, text: string, title: string): Chunk => ({
  id: `${docId}#0`,
  docId,
  ordinal: 0,
  headingPath: [heading],
  text,
  title,
  kind: 'guidance',
  published: '2025-01',
  url: `https://example.org/${docId}`,
});
const chunks: Chunk[] = [
  chunk('ponds', 'Garden ponds', 'Cover garden ponds with a rigid mesh when toddlers visit. Ring the pond safety line on 024 7600 0000 for advice.', 'Water safety leaflet'),
  chunk('baths', 'Bath time', 'Never leave a toddler alone in the bath, even for a moment; garden ponds and baths both need an adult within reach.', 'Bath safety leaflet'),
  chunk('stairs', 'Stair gates', 'Fit stair gates at the top and bottom of the stairs for toddlers.', 'Home safety leaflet'),
];
const question = 'how should garden ponds be covered when toddlers visit?';
const clock = new ManualClock('2026-01-01T00:00:00Z');
const logger = createLogger('silent');

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: { model?: string; messages: { role: string; content: string }[]; temperature?: number };
}

type Behaviour = { kind: 'reply'; content: string } | { kind: 'error'; status: number } | { kind: 'slow'; ms: number; content: string };

/** A chat-completions server: records each request and answers as told. */
function chatServer(server: http.Server | https.Server) {
  const seen: Seen[] = [];
  let behaviour: Behaviour = { kind: 'reply', content: 'NOT_IN_GUIDANCE' };
  const timers = new Set<NodeJS.Timeout>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(raw || '{}') });
      const b = behaviour;
      const reply = (content: string) => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-test',
            object: 'chat.completion',
            created: 1,
            model: 'test-model',
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      };
      if (b.kind === 'reply') reply(b.content);
      else if (b.kind === 'error') {
        res.writeHead(b.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'model exploded', type: 'server_error' } }));
      } else {
        const t = setTimeout(() => {
          timers.delete(t);
          reply(b.content);
        }, b.ms);
        timers.add(t);
      }
    });
  });
  return {
    seen,
    set: (b: Behaviour) => (behaviour = b),
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
    close: () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections?.();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let consoleLog: jest.SpyInstance;
beforeAll(() => {
  // teams-ai's OpenAIModel prints model errors with console.log; keep the test output readable.
  consoleLog = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterAll(() => consoleLog.mockRestore());

describe('OpenAI-compatible endpoint', () => {
  const srv = chatServer(http.createServer());
  let port = 0;
  const engineWith = (timeoutMs = 2000) => {
    const config = testConfig({ OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'gpt-test', OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, MODEL_TIMEOUT_MS: String(timeoutMs) });
    const generator = createGeneratorFromConfig(config, logger);
    expect(generator).toBeDefined();
    return createKnowledgeEngine(chunks, { safety: config.safety, clock, generator });
  };
  beforeAll(async () => {
    port = await srv.listen();
  });
  afterAll(() => srv.close());
  beforeEach(() => (srv.seen.length = 0));

  it('sends the numbered passages and the grounding rules, and keeps the reply with its [n] markers', async () => {
    srv.set({ kind: 'reply', content: 'Cover the pond with a rigid mesh [1]. Keep an adult within reach [2, 1].' });
    const r = await engineWith().ask(question);

    expect(srv.seen).toHaveLength(1);
    const req = srv.seen[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body.model).toBe('gpt-test');
    expect(req.body.temperature).toBe(0);
    const [system, user] = req.body.messages;
    expect(system.role).toBe('system');
    expect(system.content).toContain('using ONLY the numbered passages');
    expect(system.content).toContain('reply with exactly: NOT_IN_GUIDANCE');
    expect(system.content).toMatch(/Never give a phone number, email address/);
    // every retrieved passage, numbered as the sources are, with its title and section
    for (const s of r.sources) {
      expect(system.content).toContain(`[${s.n}] ${s.title} — ${s.section} (published 2025-01)\n${s.text}`);
    }
    expect(r.sources[0].title).toBe('Water safety leaflet');
    expect(user).toEqual({ role: 'user', content: question });
    expect(req.body.messages).toHaveLength(2);

    expect(r.mode).toBe('generative');
    expect(r.answer).toBe('Cover the pond with a rigid mesh [1]. Keep an adult within reach [2] [1].');
    // each marker points at the source with that number
    const cited = [...r.answer.matchAll(/\[(\d+)\]/g)].map((m) => r.sources[Number(m[1]) - 1].chunkId);
    expect(cited).toEqual(['ponds#0', 'baths#0', 'ponds#0']);
  });

  it('drops markers for passages it was not given', async () => {
    srv.set({ kind: 'reply', content: 'Use a rigid mesh [1] [9].' });
    const r = await engineWith().ask(question);
    expect(r).toMatchObject({ mode: 'generative', answer: 'Use a rigid mesh [1].' });
  });

  it.each([
    ['NOT_IN_GUIDANCE', 'NOT_IN_GUIDANCE'],
    ['an uncited reply', 'Use a rigid mesh.'],
    ['a phone number no passage has', 'Call the pond helpline on 0800 123 4567 [1].'],
    ['an email no passage has', 'Email ponds@example.org for help [1].'],
  ])('falls back to the extractive answer on %s', async (_label, content) => {
    srv.set({ kind: 'reply', content });
    const r = await engineWith().ask(question);
    expect(srv.seen).toHaveLength(1);
    expect(r.mode).toBe('extractive');
    expect(r.answer).toContain('rigid mesh');
    expect(r.answer).not.toMatch(/0800|ponds@/);
  });

  it('keeps a contact detail that the passages hold', async () => {
    srv.set({ kind: 'reply', content: 'Ring the pond safety line on 024 7600 0000 [1].' });
    const r = await engineWith().ask(question);
    expect(r).toMatchObject({ mode: 'generative', answer: 'Ring the pond safety line on 024 7600 0000 [1].' });
  });

  it('falls back to the extractive answer on a 500, without retrying', async () => {
    srv.set({ kind: 'error', status: 500 });
    const r = await engineWith().ask(question);
    expect(r.mode).toBe('extractive');
    expect(r.answer).toContain('rigid mesh');
    expect(r.sources[0].chunkId).toBe('ponds#0');
    expect(srv.seen).toHaveLength(1);
  });

  it('falls back to the extractive answer when the reply is slower than the timeout', async () => {
    srv.set({ kind: 'slow', ms: 1500, content: 'Too late [1].' });
    const started = Date.now();
    const r = await engineWith(300).ask(question);
    const took = Date.now() - started;
    expect(r.mode).toBe('extractive');
    expect(r.answer).toContain('rigid mesh');
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(1400);
  });

  it('is not asked for commands or not-found answers', async () => {
    srv.set({ kind: 'reply', content: 'Anything [1].' });
    const engine = engineWith();
    expect((await engine.ask('help')).intent).toBe('help');
    expect((await engine.ask('what is the recipe for victoria sponge cake?')).notFound).toBe(true);
    expect(srv.seen).toHaveLength(0);
  });
});

describe('Azure OpenAI deployment', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cscp-aoai-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  // Azure OpenAI endpoints must be https: a certificate for 127.0.0.1, trusted through the generator's agent.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const cert = fs.readFileSync(certFile);
  const srv = chatServer(https.createServer({ key: fs.readFileSync(keyFile), cert }));
  let port = 0;
  beforeAll(async () => {
    port = await srv.listen();
  });
  afterAll(async () => {
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('calls the deployment with the api key and version, and maps citations the same way', async () => {
    srv.set({ kind: 'reply', content: 'Fit gates at the top and bottom [3]; cover ponds with mesh [1].' });
    const config = testConfig({ AZURE_OPENAI_ENDPOINT: `https://127.0.0.1:${port}`, AZURE_OPENAI_API_KEY: 'azure-key', AZURE_OPENAI_DEPLOYMENT: 'answers-gpt' });
    const generator = createGeneratorFromConfig(config, logger, { httpAgent: new https.Agent({ ca: cert }) });
    const sources = chunks.map((c, i) => ({ n: i + 1, title: c.title, section: c.headingPath[0], published: c.published, url: c.url, text: c.text, score: 1, chunkId: c.id, outdated: false }));
    const text = await generator!.generate({ question: 'how do I make a home safe for toddlers?', sources });

    expect(text).toBe('Fit gates at the top and bottom [3]; cover ponds with mesh [1].');
    const req = srv.seen[0];
    expect(req.url).toMatch(/^\/openai\/deployments\/answers-gpt\/chat\/completions\?api-version=\d{4}-\d{2}-\d{2}/);
    expect(req.headers['api-key']).toBe('azure-key');
    expect(req.body.messages[0].content).toContain('[3] Home safety leaflet — Stair gates (published 2025-01)\nFit stair gates');
  });
});

describe('configuration', () => {
  it('gives no generator without a model', () => {
    expect(createGeneratorFromConfig(testConfig(), logger)).toBeUndefined();
    expect(createGeneratorFromConfig(testConfig({ OPENAI_API_KEY: 'sk-test' }), logger)).toBeUndefined();
  });
});

describe('groundModelAnswer', () => {
  const sources = [{ n: 1, text: 'Email cscp@example.org or visit www.example.org/cscp.' }, { n: 2, text: 'Nothing else.' }] as AnswerSource[];
  it('normalises citation forms and keeps details the passages hold', () => {
    expect(groundModelAnswer('Email cscp@example.org [^1] or see www.example.org/cscp 【2†source】.', sources)).toEqual({
      text: 'Email cscp@example.org [1] or see www.example.org/cscp [2].',
    });
  });
  it('refuses a link no passage has', () => {
    expect(groundModelAnswer('See https://evil.example/x [1].', sources)).toEqual({ reason: 'ungrounded-contact' });
  });
});
