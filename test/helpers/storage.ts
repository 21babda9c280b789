import { randomBytes } from 'node:crypto';
import { createTables, type Tables } from '../../src/storage/tables';

/** Connection string of the Azurite started by the global setup; throws (fails the test) when missing. */
export function testConnectionString(): string {
  const cs = process.env.CSCP_TEST_STORAGE;
  if (!cs) throw new Error('Azurite was not started by the jest global setup (CSCP_TEST_STORAGE unset)');
  return cs;
}

/** A table prefix unique to this test file's run, so suites never see each other's rows. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Fresh, created tables for one suite. Call `dropAll()` in afterAll. */
export async function testTables(): Promise<Tables> {
  const tables = createTables(testConnectionString(), uniquePrefix());
  await tables.ensureAll();
  return tables;
}
