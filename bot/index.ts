import { loadConfigOrExit } from '../src/config';
import { createLogger } from '../src/logger';
import { startBot } from './main';

/** Process entry: validate config first (exit 1 with one line per problem), then serve until a signal. */
async function run(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  if (!config.auth.enabled) {
    logger.warn(
      { host: config.bindHost },
      'AUTHENTICATION IS OFF: no MicrosoftAppId configured, so /api/messages accepts unsigned requests. Listening on loopback only; local use only.',
    );
  }
  const bot = await startBot(config, { logger });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) {
  run().catch((e) => {
    process.stderr.write(`Start failed: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
