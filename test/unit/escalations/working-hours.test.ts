import { addWorkingHours, workingMsBetween } from '../../../src/escalations/working-hours';

const H = 3_600_000;

describe('London working hours', () => {
  it('skips the weekend: Friday 16:00 + 8 working hours is Monday 16:00', () => {
    expect(addWorkingHours(new Date('2026-01-09T16:00:00Z'), 8).toISOString()).toBe('2026-01-12T16:00:00.000Z');
  });

  it('starts counting at 09:00 when raised overnight', () => {
    expect(addWorkingHours(new Date('2026-01-06T22:30:00Z'), 8).toISOString()).toBe('2026-01-07T17:00:00.000Z');
    expect(addWorkingHours(new Date('2026-01-10T11:00:00Z'), 1).toISOString()).toBe('2026-01-12T10:00:00.000Z'); // Saturday
  });

  it('follows the clocks going forward (Sunday 29 March 2026): Monday 16:00 BST is 15:00Z', () => {
    expect(addWorkingHours(new Date('2026-03-27T16:00:00Z'), 8).toISOString()).toBe('2026-03-30T15:00:00.000Z');
    expect(workingMsBetween(new Date('2026-03-27T16:00:00Z'), new Date('2026-03-30T14:59:00Z'))).toBeLessThan(8 * H);
  });

  it('follows the clocks going back (Sunday 25 October 2026): Monday 10:00 GMT is 10:00Z', () => {
    expect(addWorkingHours(new Date('2026-10-23T15:00:00Z'), 2).toISOString()).toBe('2026-10-26T10:00:00.000Z'); // Fri 16:00 BST + 1h Fri + 1h Mon
    expect(workingMsBetween(new Date('2026-10-23T08:00:00Z'), new Date('2026-10-26T17:00:00Z'))).toBe(16 * H);
  });

  it('is zero for a reversed range and whole days for a full week', () => {
    expect(workingMsBetween(new Date('2026-01-12T10:00:00Z'), new Date('2026-01-12T09:00:00Z'))).toBe(0);
    expect(workingMsBetween(new Date('2026-01-12T00:00:00Z'), new Date('2026-01-19T00:00:00Z'))).toBe(40 * H);
  });
});
