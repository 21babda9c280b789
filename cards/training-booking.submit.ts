import { z } from 'zod';
import { TRAINING_VERBS } from './training-session.block';

const sessionId = z.string().regex(/^ts-[a-z0-9-]{6,40}$/, 'not a session');
const courseId = z.string().regex(/^[a-z0-9-]{0,80}$/).optional();

/**
 * Data of "Book a place" / "Cancel booking", whether it arrives as an Action.Execute invoke
 * (`action.data`) or as the Action.Submit fallback (`activity.value`).
 */
export const bookingActionSchema = z
  .object({
    verb: z.enum([TRAINING_VERBS.book, TRAINING_VERBS.cancelBooking]),
    sessionId,
    view: z.enum(['list', 'mine']).default('list'),
    // Clients merge the card's inputs into the data, so the course filter's 'all' arrives here too.
    courseId: courseId.transform((c) => (c && c !== 'all' ? c : undefined)),
  })
  .strip();
export type BookingAction = z.infer<typeof bookingActionSchema>;

/** The course filter on the sessions card ('all', or none, means all courses). */
export const trainingFilterSchema = z
  .object({
    verb: z.enum([TRAINING_VERBS.filter, TRAINING_VERBS.list]),
    courseId: courseId.transform((c) => (c && c !== 'all' ? c : undefined)),
  })
  .strip();
