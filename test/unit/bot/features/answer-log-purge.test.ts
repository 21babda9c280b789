import { lastCronSlot, NIGHTLY_PURGE } from '../../../../src/scheduler/cron-slot';

const lastPurgeSlot = (now: Date) => lastCronSlot(NIGHTLY_PURGE, now)!;

describe('nightly answer-log purge slot (03:17 UK time)', () => {
  it('is the latest 03:17 London time at or before now, in summer and in winter', () => {
    expect(lastPurgeSlot(new Date('2026-07-10T02:16:00Z')).toISOString()).toBe('2026-07-09T02:17:00.000Z'); // 03:16 BST: yesterday's
    expect(lastPurgeSlot(new Date('2026-07-10T02:17:00Z')).toISOString()).toBe('2026-07-10T02:17:00.000Z'); // 03:17 BST: today's
    expect(lastPurgeSlot(new Date('2026-12-10T12:00:00Z')).toISOString()).toBe('2026-12-10T03:17:00.000Z'); // GMT
  });

  it('falls on the right instant on the nights the clocks change', () => {
    // 25 October 2026: the clocks go back at 02:00 BST; 03:17 that morning is GMT.
    expect(lastPurgeSlot(new Date('2026-10-25T04:00:00Z')).toISOString()).toBe('2026-10-25T03:17:00.000Z');
    // 29 March 2026: the clocks go forward at 01:00 GMT; 03:17 that morning is BST.
    expect(lastPurgeSlot(new Date('2026-03-29T03:00:00Z')).toISOString()).toBe('2026-03-29T02:17:00.000Z');
  });
});
