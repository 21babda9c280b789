/*
 * Digest delivery benchmark: the real delivery engine and Azurite against a local connector simulator
 * that enforces the global rate (429 + Retry-After) and fails 2% of requests with 503. The first worker
 * process is killed (SIGKILL) at about half-way and a second one resumes from the outbox rows.
 *
 *   npm run bench:digest -- --recipients 3400 --rate 50 --json
 *   npm run bench:digest -- --recipients 20000 --rate 1000 --no-kill --json     (engine CPU per message)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { systemClock } from '../../src/clock';
import { azuriteConnectionString } from '../../src/config';
import { createDeliveryEngine } from '../../src/delivery/delivery.engine';
import { createLogger } from '../../src/logger';
import { createTables } from '../../src/storage/tables';
import { HttpConnectorNotifier } from '../helpers/http-connector-notifier';
import { ConnectorSimulator } from './connector-simulator';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite } = require('../../scripts/azurite.js');

interface Args {
  recipients: number;
  rate: number;
  json: boolean;
  kill: boolean;
  /** hard: SIGKILL (a crash); graceful: SIGTERM (a deploy restart: in-flight sends finish, claims released). */
  killMode: 'hard' | 'graceful';
  failureRate: number;
  leaseMs: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { recipients: 3400, rate: 50, json: false, kill: true, killMode: 'hard', failureRate: 0.02, leaseMs: 20_000 };
  for (let i = 0; i < argv.length; i++) {
    const next = () => Number(argv[++i]);
    switch (argv[i]) {
      case '--recipients':
        a.recipients = next();
        break;
      case '--rate':
        a.rate = next();
        break;
      case '--fail':
        a.failureRate = next();
        break;
      case '--lease-ms':
        a.leaseMs = next();
        break;
      case '--json':
        a.json = true;
        break;
      case '--no-kill':
        a.kill = false;
        break;
      case '--graceful':
        a.killMode = 'graceful';
        break;
    }
  }
  if (!(a.recipients > 0) || !(a.rate > 0)) throw new Error('--recipients and --rate must be positive numbers');
  return a;
}

interface WorkerReport {
  workerId: string;
  cpuMs: number;
  wallMs: number;
  outcomes: Record<string, number>;
}

function startWorker(env: Record<string, unknown>): { child: ChildProcess; done: Promise<WorkerReport | undefined> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'digest-worker.ts')], {
    env: { ...process.env, DIGEST_BENCH_WORKER: JSON.stringify(env) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  const done = new Promise<WorkerReport | undefined>((resolve) =>
    child.once('exit', () => {
      const line = out.trim().split('\n').pop();
      try {
        resolve(line ? (JSON.parse(line) as WorkerReport) : undefined);
      } catch {
        resolve(undefined);
      }
    }),
  );
  return { child, done };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => !args.json && process.stderr.write(`${s}\n`);
  const azurite = await startAzurite({ inMemory: true });
  const sim = await new ConnectorSimulator({ ratePerSecond: args.rate, failureRate: args.failureRate }).start();
  const workers = new Set<ChildProcess>();
  // Interrupted (Ctrl+C, timeout): take Azurite and the workers down too rather than orphaning them.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const w of workers) w.kill('SIGKILL');
      void azurite.stop().finally(() => process.exit(130));
    });
  }
  const track = (w: { child: ChildProcess; done: Promise<WorkerReport | undefined> }) => {
    workers.add(w.child);
    void w.done.then(() => workers.delete(w.child));
    return w;
  };
  try {
    const connectionString = azuriteConnectionString(azurite.port);
    const prefix = `bench${Date.now().toString(36)}`;
    const tables = createTables(connectionString, prefix);
    await tables.ensureAll();
    const jobId = 'digest-bench';
    const expected = Array.from({ length: args.recipients }, (_, i) => `a:bench-conv-${i}`);
    const parent = createDeliveryEngine({ tables, notifier: new HttpConnectorNotifier(), clock: systemClock, logger: createLogger('silent'), ratePerSecond: args.rate });
    const te = performance.now();
    await parent.enqueue(
      jobId,
      expected.map((id, i) => ({ key: `user-${i}`, target: { conversationId: id, serviceUrl: sim.url, channelId: 'msteams', tenantId: 'bench' } })),
    );
    const enqueueSeconds = (performance.now() - te) / 1000;
    log(`enqueued ${args.recipients} rows in ${enqueueSeconds.toFixed(1)} s`);

    const base = { connectionString, prefix, jobId, rate: args.rate, leaseMs: args.leaseMs };
    const t0 = performance.now();
    const first = track(startWorker({ ...base, workerId: 'worker-1' }));
    let report: WorkerReport | undefined;
    let killedAtSent: number | undefined;
    if (args.kill) {
      // Kill at a moment unrelated to any one message (a count-triggered kill would always land just
      // after an accepted send, i.e. inside the at-least-once window): shortly after the half-way mark.
      while (sim.accepted < args.recipients / 2 && first.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, Math.random() * (1000 / args.rate) * 10));
      killedAtSent = sim.accepted;
      first.child.kill(args.killMode === 'hard' ? 'SIGKILL' : 'SIGTERM');
      await first.done;
      log(`${args.killMode === 'hard' ? 'killed' : 'stopped'} worker-1 after ${killedAtSent} messages; starting worker-2`);
      report = await track(startWorker({ ...base, workerId: 'worker-2' })).done;
    } else {
      report = await first.done;
    }
    // From the first message the connector accepted (worker start-up is not delivery time) until the job is complete.
    const seconds = (performance.now() - (sim.firstAcceptedAt ?? t0)) / 1000;
    const tally = sim.tally(expected);
    const progress = await parent.progress(jobId);
    const result = {
      recipients: args.recipients,
      sent: tally.sent,
      duplicates: tally.duplicates,
      missing: tally.missing,
      seconds: Math.round(seconds * 100) / 100,
      floorSeconds: Math.round((args.recipients / args.rate) * 100) / 100,
      retries429: sim.count429,
      retries5xx: sim.count503,
      rate: args.rate,
      kill: args.kill ? args.killMode : 'none',
      killedAtSent,
      outboxSent: progress.sent,
      outboxFailed: progress.failed,
      enqueueSeconds: Math.round(enqueueSeconds * 100) / 100,
      workerStartSeconds: sim.firstAcceptedAt ? Math.round((sim.firstAcceptedAt - t0) / 10) / 100 : undefined,
      // CPU of the worker that finished, per message it sent (both workers' CPU when nothing was killed).
      workerCpuMsPerMessage: report && report.outcomes.sent ? Math.round((report.cpuMs / report.outcomes.sent) * 1000) / 1000 : undefined,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
    if (!args.json) log(`seconds/floor = ${(result.seconds / result.floorSeconds).toFixed(3)}`);
  } finally {
    await sim.stop();
    await azurite.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  },
);
