/* Starts one in-memory Azurite for the whole run. If it cannot start, the run fails: storage tests never skip. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite } = require('../../scripts/azurite.js');
import { azuriteConnectionString } from '../../src/config';

export default async function globalSetup(): Promise<void> {
  const az = await startAzurite({ inMemory: true });
  (globalThis as Record<string, unknown>).__AZURITE__ = az;
  // Workers inherit the environment of the parent, which is how they find this Azurite.
  process.env.CSCP_TEST_STORAGE = azuriteConnectionString(az.port);
}
