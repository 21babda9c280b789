/* One delivery worker process for the digest benchmark: runs the real engine on a job, then reports its CPU. */
import { systemClock } from '../../src/clock';
import { createDeliveryEngine } from '../../src/delivery/delivery.engine';
import { createLogger } from '../../src/logger';
import { createTables } from '../../src/storage/tables';
import { HttpConnectorNotifier } from '../helpers/http-connector-notifier';
import { benchMessage } from './bench-message';

interface WorkerArgs {
  connectionString: string;
  prefix: string;
  jobId: string;
  rate: number;
  leaseMs: number;
  workerId: string;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.env.DIGEST_BENCH_WORKER ?? '{}') as WorkerArgs;
  const tables = createTables(args.connectionString, args.prefix);
  const notifier = new HttpConnectorNotifier();
  const engine = createDeliveryEngine({
    tables,
    notifier,
    clock: systemClock,
    logger: createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent'),
    ratePerSecond: args.rate,
    leaseMs: args.leaseMs,
    workerId: args.workerId,
  });
  const message = benchMessage();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // SIGTERM is a deploy restart: stop claiming, let in-flight sends finish and be marked, release the rest.
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  const summary = await engine.run(args.jobId, () => message, { signal: stop.signal });
  const cpu = process.cpuUsage(cpu0);
  notifier.close();
  process.stdout.write(
    JSON.stringify({ workerId: args.workerId, outcomes: summary.outcomes, retries429: summary.retries429, retries5xx: summary.retries5xx, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0 }) + '\n',
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`worker failed: ${(e as Error).stack}\n`);
    process.exit(1);
  },
);
