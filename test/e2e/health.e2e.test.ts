import { azuriteConnectionString, testConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startBot, type RunningBot } from '../../bot/main';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite } = require('../../scripts/azurite.js');

/** /healthz against a storage account that goes away: its own Azurite, stopped under the running bot. */
describe('health when storage goes away', () => {
  let az: { port: number; stop(): Promise<void> };
  let bot: RunningBot;
  beforeAll(async () => {
    az = await startAzurite({ inMemory: true });
    bot = await startBot(testConfig({ PORT: '0', BIND_HOST: '127.0.0.1', AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(az.port) }), {
      logger: createLogger('silent'),
      noSchedulers: true,
    });
  }, 60_000);
  afterAll(async () => {
    await bot.stop();
    await az.stop();
  });

  it('reports 200 with the indexed documents, then 503 once storage is unreachable', async () => {
    const up = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(up.status).toBe(200);
    expect((await up.json()).documents).toBe(5);
    await az.stop();
    const down = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'degraded', storage: 'unreachable' });
  });
});
