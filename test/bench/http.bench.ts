/*
 * End-to-end bench (tsx, not jest): 20 concurrent "users" POST questions to /api/messages of the real bot on
 * Azurite; the time is measured from the POST to the reply arriving at the local capture connector.
 */
import { randomUUID } from 'node:crypto';
import { azuriteConnectionString, testConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startBot } from '../../bot/main';
import { CaptureConnector } from '../helpers/connector';
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

/**
 * Two loads: "paced" — 20 people each asking, reading the answer, and asking again after about a second, the
 * shape of real use — and "back-to-back" — the same 20 sending the next question the instant a reply lands,
 * which measures throughput on this machine (Azurite shares its two cores with the bot).
 */
export async function run(users = 20, perUser = 15): Promise<void> {
  const az = await startAzurite({ inMemory: true });
  const connector = await new CaptureConnector().start();
  const config = testConfig({ PORT: '0', BIND_HOST: '127.0.0.1', AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(az.port), TABLE_PREFIX: 'bench' });
  const bot = await startBot(config, { logger: createLogger('silent'), noSchedulers: true });
  const url = `http://127.0.0.1:${bot.port}/api/messages`;
  const latencies: number[] = [];
  try {
    const user = async (u: number, thinkMs = 0) => {
      const conv = `a:bench-${u}`;
      for (let i = 0; i < perUser; i++) {
        if (thinkMs) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
        const before = connector.messagesTo(conv).length;
        const started = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'message', id: randomUUID(), channelId: 'msteams', serviceUrl: connector.url, text: QUESTIONS[(u + i) % QUESTIONS.length],
            from: { id: `29:u${u}`, aadObjectId: randomUUID(), name: 'Bench' }, recipient: { id: '28:bot' },
            conversation: { id: conv, conversationType: 'personal', tenantId: 't' },
          }),
        });
        await res.arrayBuffer();
        await connector.waitFor(() => connector.messagesTo(conv).length > before, 10_000);
        latencies.push(performance.now() - started);
      }
    };
    await user(999); // warm-up: JIT and the first Table connections
    for (const [label, thinkMs] of [['paced (≈1 s between questions)', 1000], ['back-to-back', 0]] as const) {
      latencies.length = 0;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: users }, (_, u) => user(u, thinkMs)));
      const seconds = (performance.now() - t0) / 1000;
      process.stdout.write(
        `http ${label}: ${users} concurrent users × ${perUser} questions, POST → reply at the connector: p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `p95 ${percentile(latencies, 95).toFixed(1)} ms (target ≤ 100 ms), max ${Math.max(...latencies).toFixed(1)} ms, ${(latencies.length / seconds).toFixed(0)} answers/s\n`,
      );
    }
  } finally {
    await bot.stop();
    await bot.deps.tables.dropAll();
    await connector.stop();
    await az.stop();
  }
}

if (require.main === module) {
  run().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}
