import { z } from 'zod';

/**
 * Data of the survey card's "Log that I shared it" Action.Submit. Teams sends every input as a string
 * (and omits empty ones); the domain (src/surveys) does the real validation and field errors.
 */
export const surveyLogSubmitSchema = z
  .object({
    verb: z.literal('surveyLog'),
    submissionId: z.string().min(1),
    agencyType: z.string().optional(),
    setting: z.string().optional(),
    families: z.union([z.string(), z.number()]).optional().transform((v) => (v === undefined ? undefined : String(v))),
    method: z.string().optional(),
    month: z.string().optional(),
  })
  .strip();
export type SurveyLogSubmit = z.output<typeof surveyLogSubmitSchema>;

/** Parses the card data; returns undefined when it is not a survey log submission. */
export function parseSurveyLogSubmit(data: unknown): SurveyLogSubmit | undefined {
  const r = surveyLogSubmitSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
