/*
 * One bot instance in a process of its own, for tests and benchmarks that kill it (SIGKILL) or run two: the
 * real startBot() with its schedulers, configured from the environment like `npm run start:bot`. Prints one
 * line `READY <port> <instanceId>` on stdout when it listens; SIGTERM stops it gracefully.
 */
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startBot } from '../../bot/main';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const bot = await startBot(config, { logger: createLogger(config.logLevel, process.stderr as never) });
  process.stdout.write(`READY ${bot.port} ${bot.instanceId}\n`);
  process.once('SIGTERM', () => {
    void bot.stop().then(() => process.exit(0));
  });
}

main().catch((e) => {
  process.stderr.write(`bot process failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
