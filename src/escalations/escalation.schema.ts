import { z } from 'zod';
import { UserInputError } from '../errors';
import { ESCALATION_TYPES } from './escalation.types';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const required = (what: string, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `Please fill in ${what}` })
      .trim()
      .min(min, `Please say a little more about ${what}`)
      .max(max, `Please keep ${what} under ${max} characters`),
  );

/** Case reference characters: letters, digits and the separators agencies use; no spaces (a name has them). */
export const CASE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9\-/_.:]{2,39}$/;

/**
 * An agency case reference (CS-123456, MASH/2024/0012, 12345678), not a child's name with a year: no spaces,
 * at least four digits and more digits than letters, and no word in lower case or written as a name
 * ("Jane", "smith"). The form asks people never to type a child's name; this holds it to that.
 */
export function isCaseReference(value: string): boolean {
  if (!CASE_REFERENCE.test(value)) return false;
  const digits = (value.match(/\d/g) ?? []).length;
  const letters = (value.match(/[A-Za-z]/g) ?? []).length;
  if (digits < 4 || letters >= digits) return false;
  return !/[a-z]{2,}/.test(value) && !/[A-Z][a-z]/.test(value);
}

/** The escalation form's data once validated (card inputs arrive as strings and are coerced here). */
export const escalationInputSchema = z.object({
  submissionId: z.string({ error: 'Missing submission id' }).trim().min(8, 'Missing submission id').max(100),
  type: z.enum(ESCALATION_TYPES.map((t) => t.value) as [string, ...string[]], { error: 'Choose the type of escalation' }),
  otherAgency: required('the other agency or team', 2, 200),
  issue: required('the decision or issue', 10, 2000),
  stageReached: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'Choose the stage already reached' }).int().min(1, 'Choose a stage from 1 to 4').max(4, 'Choose a stage from 1 to 4'),
  ),
  outcomeWanted: required('the outcome you want', 5, 1000),
  caseReference: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine(isCaseReference, 'Enter your agency’s case reference (capital letters and numbers, no spaces, e.g. CS-123456), never a child’s name')
      .optional(),
  ),
  contactDetails: required('how we can contact you', 5, 300),
  childSafeNow: z.preprocess(
    blankToUndefined,
    z.enum(['yes', 'no'], { error: 'Tell us whether the child is safe right now' }),
  ),
});
export type EscalationInput = z.output<typeof escalationInputSchema>;

/** Validates the form; on failure throws UserInputError whose fieldErrors are keyed by input id. */
export function parseEscalationInput(input: unknown): EscalationInput {
  const r = escalationInputSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of r.error.issues) fieldErrors[String(issue.path[0] ?? 'form')] ??= issue.message;
  throw new UserInputError('Not saved yet: please check the highlighted answers.', fieldErrors);
}
