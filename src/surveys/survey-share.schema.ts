import { z } from 'zod';
import { DateTime } from 'luxon';
import { AGENCY_TYPES, MAX_FAMILIES_PER_SHARE, SHARE_METHODS } from './survey.types';
import { findContactDetails } from './contact-details';
import { UserInputError } from '../errors';

const values = <T extends { value: string }>(list: readonly T[]) => list.map((x) => x.value) as [T['value'], ...T['value'][]];

const CONTACT_REFUSAL =
  'Please remove it: this log is anonymous, so it must not hold any email address or phone number (a parent’s or yours).';

/** What a practitioner submits; everything arrives from a card as strings, so numbers are coerced. */
export const surveyShareSchema = z.object({
  submissionId: z.string().trim().min(8, 'Missing submission id').max(100),
  agencyType: z.enum(values(AGENCY_TYPES), { error: 'Choose the type of agency' }),
  setting: z
    .string()
    .trim()
    .max(120, 'Keep the setting under 120 characters')
    .optional()
    .transform((s) => (s ? s : undefined))
    .refine((s) => !s || !findContactDetails(s), { message: `That looks like contact details. ${CONTACT_REFUSAL}` }),
  families: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce
    .number({ error: 'Enter how many families, as a number' })
    .int('Enter a whole number of families')
    .min(1, 'At least 1 family')
    .max(MAX_FAMILIES_PER_SHARE, `At most ${MAX_FAMILIES_PER_SHARE} families in one log; log larger mailings in parts`),
  ),
  method: z.enum(values(SHARE_METHODS), { error: 'Choose how you shared it' }),
  month: z
    .string()
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Month as YYYY-MM')
    .optional()
    .transform((s) => (s ? s : undefined)),
});
export type SurveyShareInput = z.input<typeof surveyShareSchema>;
export type ValidSurveyShare = z.output<typeof surveyShareSchema>;

/** Validates a share; the month defaults to now and may be at most 12 months back and never ahead. */
export function parseSurveyShare(input: unknown, now: Date): ValidSurveyShare & { month: string } {
  const r = surveyShareSchema.safeParse(input);
  const fieldErrors: Record<string, string> = {};
  if (!r.success) {
    for (const issue of r.error.issues) {
      const key = String(issue.path[0] ?? 'form');
      fieldErrors[key] ??= issue.message;
    }
  }
  const current = DateTime.fromJSDate(now, { zone: 'Europe/London' }).startOf('month');
  const month = r.success ? (r.data.month ?? current.toFormat('yyyy-MM')) : undefined;
  if (month) {
    const m = DateTime.fromFormat(month, 'yyyy-MM', { zone: 'Europe/London' });
    if (m > current) fieldErrors.month = 'That month has not happened yet';
    else if (m < current.minus({ months: 12 })) fieldErrors.month = 'Only the last 12 months can be logged';
  }
  if (Object.keys(fieldErrors).length || !r.success) {
    const contact = Object.values(fieldErrors).some((m) => m.includes('contact details'));
    throw new UserInputError(
      contact ? `Not saved: that looks like contact details. ${CONTACT_REFUSAL}` : 'Not saved: please check the highlighted answers.',
      fieldErrors,
    );
  }
  return { ...r.data, month: month! };
}
