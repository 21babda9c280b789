import { z } from 'zod';
import { TRAINING_VERBS } from './training-session.block';

const sessionId = z.string({ error: 'Choose a session.' }).regex(/^ts-[a-z0-9-]{6,40}$/, 'Choose a session.');

/** Attendees, CSV, edit: the session the button belongs to. */
export const trainerSessionActionSchema = z
  .object({ verb: z.enum([TRAINING_VERBS.attendees, TRAINING_VERBS.attendeesCsv, TRAINING_VERBS.edit]), sessionId })
  .strip();

/**
 * Input ids must be unique on a card, so the trainer list's per-session boxes are `reason-<sessionId>` /
 * `message-<sessionId>`; the clicked button's session picks its own box (a plain `reason` / `message` also works).
 */
export const sessionInputId = (field: 'reason' | 'message', sessionId: string): string => `${field}-${sessionId}`;

function ownField(field: 'reason' | 'message') {
  return (data: unknown): unknown => {
    if (!data || typeof data !== 'object') return data;
    const d = data as Record<string, unknown>;
    const own = typeof d.sessionId === 'string' ? d[sessionInputId(field, d.sessionId)] : undefined;
    return own === undefined ? d : { ...d, [field]: own };
  };
}

/** Cancel session: the reason typed in the card's reason box. */
export const cancelSessionSubmitSchema = z.preprocess(
  ownField('reason'),
  z
    .object({
      verb: z.literal(TRAINING_VERBS.cancelSession),
      sessionId,
      reason: z.string({ error: 'Give a reason.' }).trim().min(1, 'Give a reason.').max(500, 'At most 500 characters.'),
    })
    .strip(),
);

/** Message attendees: the trainer's text, sent once per form (requestId). */
export const remindSubmitSchema = z.preprocess(
  ownField('message'),
  z
    .object({
      verb: z.literal(TRAINING_VERBS.remind),
      sessionId,
      requestId: z.string().regex(/^[A-Za-z0-9-]{6,40}$/),
      message: z.string({ error: 'Write a message.' }).trim().min(1, 'Write a message.').max(2000, 'At most 2,000 characters.'),
    })
    .strip(),
);

/** Add or edit a course. */
export const courseSubmitSchema = z
  .object({
    verb: z.literal(TRAINING_VERBS.courseSave),
    courseId: z
      .string()
      .regex(/^[a-z0-9-]{0,80}$/)
      .optional()
      .transform((c) => (c && c !== 'new' ? c : undefined)),
    name: z.string({ error: 'Give the course a name.' }).trim().min(3, 'Between 3 and 120 characters.').max(120, 'Between 3 and 120 characters.'),
    description: z.string().trim().max(500, 'At most 500 characters.').optional(),
  })
  .strip();

/** First problem per field, keyed by input id. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) out[String(i.path[0] ?? 'form')] ??= i.message;
  return out;
}
