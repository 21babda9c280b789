import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { azuriteConnectionString } from '../../src/config';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite, freePort } = require('../../scripts/azurite.js') as {
  startAzurite(o: { port?: number; location?: string; inMemory?: boolean }): Promise<{ port: number; stop(): Promise<void> }>;
  freePort(): Promise<number>;
};

/**
 * An Azurite of a test's own, on disk, so the test can stop it (a storage outage) and start it again on the same
 * port with its data (the shared in-memory Azurite of the global setup must stay up for everyone else).
 */
export class OwnAzurite {
  private proc?: { stop(): Promise<void> };
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cscp-azurite-'));
  port = 0;

  async start(): Promise<this> {
    this.port ||= await freePort();
    this.proc = await startAzurite({ port: this.port, location: this.dir });
    return this;
  }

  get connectionString(): string {
    return azuriteConnectionString(this.port);
  }

  /** Stops it (SIGINT: Azurite writes its data to disk first). */
  async down(): Promise<void> {
    await this.proc?.stop();
    this.proc = undefined;
  }

  /** Stops it, keeps it down for `ms`, starts it again on the same port. Resolves when it is back. */
  async restart(ms: number): Promise<void> {
    await this.down();
    await new Promise((r) => setTimeout(r, ms));
    await this.start();
  }

  async stop(): Promise<void> {
    await this.down();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
