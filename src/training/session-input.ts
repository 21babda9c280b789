import { DateTime } from 'luxon';
import { LONDON } from '../digests/london-time';
import { UserInputError } from '../errors';
import type { SessionInput } from './training.types';

export interface CheckedSession {
  startUtc: string;
  endUtc: string;
  durationMinutes: number;
  mode: SessionInput['mode'];
  venue?: string;
  joinUrl?: string;
  capacity: number;
  trainerName?: string;
  notes?: string;
}

export const MAX_CAPACITY = 500;
export const MAX_NOTES = 1000;

function isHttps(u: string): boolean {
  try {
    const url = new URL(u);
    return url.protocol === 'https:' && Boolean(url.hostname);
  } catch {
    return false;
  }
}

/** Reads a London wall time; undefined for a malformed value or an hour skipped by the spring clock change. */
function london(date: string, time: string): DateTime | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return undefined;
  const dt = DateTime.fromISO(`${date}T${time}`, { zone: LONDON });
  if (!dt.isValid || dt.toFormat("yyyy-MM-dd'T'HH:mm") !== `${date}T${time}`) return undefined;
  return dt;
}

/**
 * Checks a session form against the rules that need the clock and each other's values: a start in the
 * future, an end after the start (same day), a capacity of at least one, an https join link for online
 * sessions and a venue for in-person ones. Field errors are keyed by the form's input ids.
 */
export function checkSessionInput(input: SessionInput, now: Date): CheckedSession {
  const errors: Record<string, string> = {};
  const start = london(input.date?.trim() ?? '', input.startTime?.trim() ?? '');
  const end = london(input.date?.trim() ?? '', input.endTime?.trim() ?? '');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date ?? '')) errors.date = 'Pick a date.';
  else if (!start) errors.startTime = 'Give a start time like 09:30 (times skipped when the clocks go forward do not exist).';
  if (start && !end) errors.endTime = 'Give an end time like 12:30.';
  if (start && start.toMillis() <= now.getTime()) errors.date = 'That date and time is in the past; pick a future date.';
  if (start && end && end.toMillis() <= start.toMillis()) errors.endTime = 'The end time must be after the start time.';
  if (!Number.isInteger(input.capacity) || input.capacity < 1) errors.capacity = 'Capacity must be a whole number of at least 1.';
  else if (input.capacity > MAX_CAPACITY) errors.capacity = `Capacity can be at most ${MAX_CAPACITY}.`;
  const venue = input.venue?.trim() || undefined;
  const joinUrl = input.joinUrl?.trim() || undefined;
  if (input.mode === 'in-person' && !venue) errors.venue = 'Give the venue for an in-person session.';
  if (input.mode === 'online' && !joinUrl) errors.joinUrl = 'Give the join link for an online session.';
  else if (input.mode === 'online' && joinUrl && !isHttps(joinUrl)) errors.joinUrl = 'The join link must start with https://';
  if (input.mode !== 'online' && input.mode !== 'in-person') errors.mode = 'Choose in person or online.';
  if ((input.notes ?? '').length > MAX_NOTES) errors.notes = `Notes can be at most ${MAX_NOTES} characters.`;
  if (Object.keys(errors).length) throw new UserInputError('Please check the highlighted fields.', errors);
  return {
    startUtc: start!.toUTC().toISO()!,
    endUtc: end!.toUTC().toISO()!,
    durationMinutes: Math.round((end!.toMillis() - start!.toMillis()) / 60_000),
    mode: input.mode,
    venue: input.mode === 'in-person' ? venue : undefined,
    joinUrl: input.mode === 'online' ? joinUrl : undefined,
    capacity: input.capacity,
    trainerName: input.trainerName?.trim().slice(0, 100) || undefined,
    notes: input.notes?.trim() || undefined,
  };
}
