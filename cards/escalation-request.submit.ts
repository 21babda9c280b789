import { z } from 'zod';

const str = z.union([z.string(), z.number()]).optional().transform((v) => (v === undefined ? undefined : String(v)));

/**
 * Data of the escalation form's Action.Submit (`verb: 'escalationSubmit'`). Inputs arrive as strings and
 * may be missing; this only shapes them. EscalationService.submit validates and returns field errors.
 */
export const escalationRequestSubmitSchema = z
  .object({
    verb: z.literal('escalationSubmit'),
    submissionId: z.string().min(1),
    type: str,
    otherAgency: str,
    issue: str,
    stageReached: str,
    outcomeWanted: str,
    caseReference: str,
    contactDetails: str,
    childSafeNow: str,
  })
  .strip();
export type EscalationRequestSubmit = z.output<typeof escalationRequestSubmitSchema>;

/** Returns the form values (also what to re-render the card with), or undefined for other data. */
export function parseEscalationRequestSubmit(data: unknown): EscalationRequestSubmit | undefined {
  const r = escalationRequestSubmitSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
