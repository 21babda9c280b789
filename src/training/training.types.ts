import type { OutgoingMessage } from '../delivery/notifier';

/** A course in the catalogue: seeded from the bundled documents, editable by trainers. */
export interface Course {
  id: string;
  name: string;
  description?: string;
  /** 'course' (taught), 'e-learning' or 'learning event', as the source document presents it. */
  kind: 'course' | 'e-learning' | 'learning event';
  /** File in guidance/ the name was read from; absent for courses trainers added. */
  source?: string;
  /** Yearly attendance as the annual report gives it. */
  attendance?: number;
  active: boolean;
  updatedBy?: string;
  updatedAt: string;
}

export type SessionMode = 'in-person' | 'online';
export type SessionStatus = 'scheduled' | 'cancelled';

export interface TrainingSession {
  id: string;
  courseId: string;
  courseName: string;
  /** UTC ISO instants; the London wall time is derived for display. */
  startUtc: string;
  endUtc: string;
  durationMinutes: number;
  mode: SessionMode;
  venue?: string;
  joinUrl?: string;
  capacity: number;
  trainerId: string;
  trainerName: string;
  notes?: string;
  status: SessionStatus;
  bookedCount: number;
  waitingCount: number;
  /** Monotonic: the next wait-list position handed out. */
  waitSeq: number;
  /** Bumped on every edit, so "session changed" notices have one job per change. */
  revision: number;
  /** When the current start time was set: reminders that fell due before it are not sent late. */
  timeSetAt: string;
  cancelReason?: string;
  cancelledAt?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  etag?: string;
}

export type BookingStatus = 'booked' | 'waiting' | 'cancelled';

export interface Booking {
  sessionId: string;
  personId: string;
  personName: string;
  status: BookingStatus;
  /** Order on the waiting list (lower goes first); kept after promotion for the record. */
  waitPosition?: number;
  bookedAt: string;
  promotedAt?: string;
  cancelledAt?: string;
  updatedAt: string;
  etag?: string;
}

export interface Person {
  id: string;
  name: string;
}

/** What a person sees of one session: the session and their own booking, if any. */
export interface SessionView {
  session: TrainingSession;
  booking?: Booking;
  /** 1-based place on the waiting list (only while waiting). */
  waitingPlace?: number;
}

export type ReminderKind = string; // 'd7', 'd1', 'm60': days or minutes before

export interface ReminderPlan {
  kind: ReminderKind;
  dueAt: Date;
  /** After this a missed reminder (downtime) is no longer true to its words and is passed over. */
  expiresAt: Date;
  /** "in 7 days", "tomorrow", "in 1 hour". */
  label: string;
  includeJoinLink: boolean;
}

/** Messages the service sends; implemented in cards/ so src/ never builds Teams JSON. */
export interface TrainingRenderer {
  reminder(session: TrainingSession, plan: Pick<ReminderPlan, 'kind' | 'label' | 'includeJoinLink'>): OutgoingMessage;
  cancelled(session: TrainingSession, reason: string): OutgoingMessage;
  changed(session: TrainingSession, change: { previousStartUtc?: string; reason: string }): OutgoingMessage;
  promoted(session: TrainingSession): OutgoingMessage;
  trainerMessage(session: TrainingSession, message: string, from: string): OutgoingMessage;
}

/** Validated input of the session form (the card's strings are parsed by the schema in session.schema.ts). */
export interface SessionInput {
  courseId: string;
  date: string;
  startTime: string;
  endTime: string;
  mode: SessionMode;
  venue?: string;
  joinUrl?: string;
  capacity: number;
  trainerName?: string;
  notes?: string;
}
