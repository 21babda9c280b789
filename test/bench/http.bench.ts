/*
 * End-to-end bench (tsx, not jest): concurrent "users" POST questions to /api/messages of the real bot on
 * Azurite; two times are measured: from the POST to its HTTP response (what the Bot Connector waits for, at most
 * 15 s), and from the POST to the reply arriving at the local capture connector.
 */
import { randomUUID } from 'node:crypto';
import { azuriteConnectionString } from '../../src/config';
import { createTables } from '../../src/storage/tables';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { BotProcess } from '../helpers/bot-process';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite } = require('../../scripts/azurite.js');

const QUESTIONS = [
  'what mechanisms support the independent scrutineer?',
  'who do I tell if a safeguarding practice review is delayed?',
  'is there training on professional curiosity?',
  'what does the partnership say about neglect?',
  'how do I escalate a disagreement with children’s social care?',
  'what is the MASH?',
  'who leads the exploitation work?',
  'where can parents find safe spaces in the city?',
];

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** A connector stand-in in its own process (test/bench/connector-process.ts); resolves with its URL and a stop. */
async function connectorProcess(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'connector-process.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error('connector process exited')));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') };
}

/**
 * Three loads: "paced" — 20 people each asking, reading the answer, and asking again after about a second, the
 * shape of real use — and "back-to-back" — 20, then 100 people sending the next question the instant the
 * previous one is answered, which measures throughput on this machine and whether the HTTP response waits on
 * anything but the answer (the bookkeeping writes are queued after it).
 *
 * Measured: POST /api/messages → its HTTP response. The reply is sent to the connector inside the turn, before the
 * response, so this includes the reply reaching the connector. The bot, Azurite, the connector and this load
 * generator are four processes sharing the machine's cores.
 */
export async function run(users = 20, perUser = 15): Promise<void> {
  const az = await startAzurite({ inMemory: true });
  const connector = await connectorProcess();
  const bot = await BotProcess.start({ AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(az.port), TABLE_PREFIX: 'bench', LOG_LEVEL: 'silent' });
  const responses: number[] = [];
  // Like the Bot Connector, the client keeps its connections to the bot open (node:http with keep-alive; the
  // global fetch's pool added seconds of its own to some requests at 100 concurrent users).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(bot.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  try {
    const user = async (u: number, thinkMs = 0, questions = perUser) => {
      for (let i = 0; i < questions; i++) {
        if (thinkMs) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
        const started = performance.now();
        const status = await post(
          JSON.stringify({
            type: 'message', id: randomUUID(), channelId: 'msteams', serviceUrl: connector.url, text: QUESTIONS[(u + i) % QUESTIONS.length],
            from: { id: `29:u${u}`, aadObjectId: `aad-${u}`, name: 'Bench' }, recipient: { id: '28:bot' },
            conversation: { id: `a:bench-${u}`, conversationType: 'personal', tenantId: 't' },
          }),
        );
        if (status !== 200) throw new Error(`POST answered ${status}`);
        responses.push(performance.now() - started);
      }
    };
    await user(9999); // warm-up: JIT and the first Table connections
    const loads = [
      ['paced (≈1 s between questions)', users, 1000, perUser],
      ['back-to-back', users, 0, perUser],
      // Twice: the first burst of 100 after start-up runs into the process's warm-up (heap growth, optimisation).
      ['back-to-back, first burst', 100, 0, 10],
      ['back-to-back, again', 100, 0, 10],
    ] as const;
    for (const [label, n, thinkMs, questions] of loads) {
      // The Bot Connector keeps its connections to the bot open: open them first, so the figures are the steady
      // state of people who have asked before.
      await Promise.all(Array.from({ length: n }, (_, u) => user(u, 0, 1)));
      responses.length = 0;
      const t0 = performance.now();
      // People start within the same second, not the same millisecond (a synchronised start is one burst of n
      // requests all answered together, which says nothing about back-to-back asking).
      await Promise.all(Array.from({ length: n }, async (_, u) => {
        await new Promise((r) => setTimeout(r, (u * 1000) / n));
        await user(u, thinkMs, questions);
      }));
      const seconds = (performance.now() - t0) / 1000;
      const over15 = responses.filter((ms) => ms > 15_000).length;
      process.stdout.write(
        `http ${label}: ${n} users × ${questions} questions (starting within 1 s), POST → HTTP response (reply sent): p50 ${percentile(responses, 50).toFixed(1)} ms, ` +
          `p95 ${percentile(responses, 95).toFixed(1)} ms, p99 ${percentile(responses, 99).toFixed(1)} ms, max ${Math.max(...responses).toFixed(1)} ms, ` +
          `over 15 s: ${over15}, ${(responses.length / seconds).toFixed(0)} answers/s\n`,
      );
    }
  } finally {
    agent.destroy();
    await bot.stop();
    await createTables(azuriteConnectionString(az.port), 'bench').dropAll();
    connector.stop();
    await az.stop();
  }
}

if (require.main === module) {
  run().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}
