import { z } from 'zod';
import type { SessionInput } from '../src/training/training.types';
import { TRAINING_VERBS } from './training-session.block';

const opt = (max: number, message: string) => z.string().trim().max(max, message).optional().transform((s) => (s ? s : undefined));

/** The session form's data: Adaptive Card inputs arrive as strings (Input.Number too). */
export const sessionFormSubmitSchema = z
  .object({
    verb: z.literal(TRAINING_VERBS.save),
    requestId: z.string().regex(/^[A-Za-z0-9-]{6,40}$/, 'form id missing'),
    sessionId: z.string().regex(/^ts-[a-z0-9-]{6,40}$/).optional(),
    courseId: z.string({ error: 'Choose a course.' }).trim().min(1, 'Choose a course.'),
    date: z.string({ error: 'Pick a date.' }).trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick a date.'),
    startTime: z.string({ error: 'Give a start time like 09:30.' }).trim().regex(/^\d{2}:\d{2}$/, 'Give a start time like 09:30.'),
    endTime: z.string({ error: 'Give an end time like 12:30.' }).trim().regex(/^\d{2}:\d{2}$/, 'Give an end time like 12:30.'),
    mode: z.enum(['in-person', 'online'], { error: 'Choose in person or online.' }),
    venue: opt(200, 'At most 200 characters.'),
    joinUrl: opt(1000, 'At most 1,000 characters.'),
    capacity: z
      .string({ error: 'Give the number of places.' })
      .trim()
      .regex(/^-?\d+$/, 'Capacity must be a whole number.')
      .transform(Number)
      .refine((n) => n >= 1, 'Capacity must be at least 1.'),
    trainerName: opt(100, 'At most 100 characters.'),
    notes: opt(1000, 'At most 1,000 characters.'),
    reason: opt(500, 'At most 500 characters.'),
  })
  .strip()
  .superRefine((v, ctx) => {
    if (v.mode === 'in-person' && !v.venue) ctx.addIssue({ code: 'custom', path: ['venue'], message: 'Give the venue for an in-person session.' });
    if (v.mode === 'online') {
      if (!v.joinUrl) ctx.addIssue({ code: 'custom', path: ['joinUrl'], message: 'Give the join link for an online session.' });
      else if (!/^https:\/\/[^\s/]+/i.test(v.joinUrl)) ctx.addIssue({ code: 'custom', path: ['joinUrl'], message: 'The join link must start with https://' });
    }
  });

export type SessionFormResult =
  | { ok: true; input: SessionInput; requestId: string; sessionId?: string; reason: string }
  | { ok: false; fieldErrors: Record<string, string> };

/** Parses the form; on failure, one message per field (the first problem each), keyed by input id. */
export function parseSessionForm(data: unknown): SessionFormResult {
  const r = sessionFormSubmitSchema.safeParse(data);
  if (!r.success) {
    const fieldErrors: Record<string, string> = {};
    for (const i of r.error.issues) {
      const key = String(i.path[0] ?? 'form');
      fieldErrors[key] ??= i.message;
    }
    return { ok: false, fieldErrors };
  }
  const { requestId, sessionId, reason, verb: _v, ...input } = r.data;
  return { ok: true, input, requestId, sessionId, reason: reason ?? '' };
}
