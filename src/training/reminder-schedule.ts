import { DateTime } from 'luxon';
import { LONDON } from '../digests/london-time';
import type { ReminderPlan, TrainingSession } from './training.types';

/** A day-based reminder missed by more than this (the service was down) is passed over rather than sent late. */
export const DAY_REMINDER_GRACE_MS = 6 * 3600_000;

export interface ReminderSettings {
  reminderDays: number[];
  reminderTime: string;
  onlineReminderMinutes: number;
}

function dayLabel(days: number): string {
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}

function minuteLabel(minutes: number): string {
  if (minutes % 60 === 0) return `in ${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `in ${minutes} minutes`;
}

/**
 * The reminders a session gets, earliest first. Day-based ones fall on the London calendar day N days
 * before the session's London date at the configured London wall time, so across a clock change the
 * reminder stays at 09:00 local (luxon keeps wall time when subtracting days). Reminders due at or
 * after the start are dropped.
 */
export function reminderPlan(session: Pick<TrainingSession, 'startUtc' | 'mode'>, settings: ReminderSettings): ReminderPlan[] {
  const start = DateTime.fromISO(session.startUtc, { zone: 'utc' }).setZone(LONDON);
  const [hour, minute] = settings.reminderTime.split(':').map(Number);
  const plans: ReminderPlan[] = [];
  for (const days of settings.reminderDays) {
    const due = start.startOf('day').minus({ days }).set({ hour, minute, second: 0, millisecond: 0 });
    const expires = Math.min(due.toMillis() + DAY_REMINDER_GRACE_MS, start.toMillis());
    plans.push({ kind: `d${days}`, dueAt: due.toUTC().toJSDate(), expiresAt: new Date(expires), label: dayLabel(days), includeJoinLink: session.mode === 'online' });
  }
  if (session.mode === 'online' && settings.onlineReminderMinutes > 0) {
    const m = settings.onlineReminderMinutes;
    // The join-link reminder is still worth sending late, until the session starts (after that it is passed over).
    plans.push({ kind: `m${m}`, dueAt: start.minus({ minutes: m }).toUTC().toJSDate(), expiresAt: start.toJSDate(), label: minuteLabel(m), includeJoinLink: true });
  }
  const startMs = start.toMillis();
  return plans.filter((p) => p.dueAt.getTime() < startMs).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** Outbox job id of one reminder: a rescheduled session (new start) gets new jobs, so new reminders. */
export function reminderJobId(sessionId: string, kind: string, startUtc: string): string {
  return `reminder:${sessionId}:${kind}:${startUtc}`;
}

/**
 * Which reminders to start now: due, before the start, not due before the time was set (a session
 * created on Tuesday for Friday gets no "in 7 days" message), not overtaken by a later reminder that
 * is also due, and not so late that its words are wrong (after downtime only a fresh one goes out).
 */
export function dueReminders(plans: ReminderPlan[], now: Date, startUtc: string, timeSetAt: string): { send: ReminderPlan[]; skip: ReminderPlan[] } {
  const nowMs = now.getTime();
  const setMs = new Date(timeSetAt).getTime();
  if (nowMs >= new Date(startUtc).getTime()) return { send: [], skip: [] };
  const due = plans.filter((p) => p.dueAt.getTime() <= nowMs);
  const send: ReminderPlan[] = [];
  const skip: ReminderPlan[] = [];
  due.forEach((p, i) => {
    const overtaken = i < due.length - 1;
    if (p.dueAt.getTime() < setMs || overtaken || nowMs > p.expiresAt.getTime()) skip.push(p);
    else send.push(p);
  });
  return { send, skip };
}
