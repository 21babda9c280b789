import { ManualClock } from '../../../src/clock';
import { acquireLease, claimSlot, releaseLease } from '../../../src/storage/lease';
import type { Tables } from '../../../src/storage/tables';
import { testTables } from '../../helpers/storage';

describe('leases on Azure Table storage', () => {
  let tables: Tables;
  beforeAll(async () => {
    tables = await testTables();
  });
  afterAll(async () => tables.dropAll());

  it('gives a lease to exactly one of two concurrent instances', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    const t = tables.client('Leases');
    const results = await Promise.all([
      acquireLease(t, 'race', 'a', 60_000, clock),
      acquireLease(t, 'race', 'b', 60_000, clock),
      acquireLease(t, 'race', 'c', 60_000, clock),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a held lease, then hands it over once it expires', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    const t = tables.client('Leases');
    expect(await acquireLease(t, 'job', 'a', 60_000, clock)).toBeDefined();
    expect(await acquireLease(t, 'job', 'b', 60_000, clock)).toBeUndefined();
    expect(await acquireLease(t, 'job', 'a', 60_000, clock)).toBeDefined(); // renewal by the holder
    clock.advance(61_000);
    expect((await acquireLease(t, 'job', 'b', 60_000, clock))?.owner).toBe('b');
    await releaseLease(t, 'job', 'a'); // not the holder: no effect
    expect(await acquireLease(t, 'job', 'a', 60_000, clock)).toBeUndefined();
    await releaseLease(t, 'job', 'b');
    expect(await acquireLease(t, 'job', 'a', 60_000, clock)).toBeDefined();
  });

  it('claims a schedule slot once across instances', async () => {
    const clock = new ManualClock('2026-01-05T09:00:00Z');
    const t = tables.client('Leases');
    const wins = await Promise.all(['x', 'y', 'z'].map((o) => claimSlot(t, 'reminders:2026-01-05T09:00', o, clock)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });
});
