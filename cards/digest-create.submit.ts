import { z } from 'zod';

const opt = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v) => (v === undefined || String(v).trim() === '' ? undefined : String(v).trim()));

/** Data of the create card's "Preview" (`verb: 'digestCreate'`). Inputs arrive as strings; the service validates. */
export const digestCreateSubmitSchema = z
  .object({
    verb: z.literal('digestCreate'),
    requestId: z.string().min(1),
    title: opt,
    published: opt,
    url: opt,
    format: z.enum(['auto', 'text', 'markdown', 'html']).optional().catch('auto'),
    content: z.union([z.string(), z.number()]).optional().transform((v) => (v === undefined ? '' : String(v))),
  })
  .strip();
export type DigestCreateSubmit = z.output<typeof digestCreateSubmitSchema>;

export function parseDigestCreateSubmit(data: unknown): DigestCreateSubmit | undefined {
  const r = digestCreateSubmitSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
