import { z } from 'zod';

const id = z.string().min(1).max(64);
const opt = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v) => (v === undefined || String(v).trim() === '' ? undefined : String(v).trim()));

/** Buttons on the preview, scheduled, progress and report cards: Send now, Schedule (date + time, UK), Cancel, Refresh, Retry. */
export const digestPreviewSubmitSchema = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('digestSend'), digestId: id }).strip(),
  z.object({ verb: z.literal('digestSchedule'), digestId: id, scheduleDate: opt, scheduleTime: opt }).strip(),
  z.object({ verb: z.literal('digestCancel'), digestId: id }).strip(),
  z.object({ verb: z.literal('digestReport'), digestId: id }).strip(),
  z.object({ verb: z.literal('digestRetry'), digestId: id }).strip(),
]);
export type DigestPreviewSubmit = z.output<typeof digestPreviewSubmitSchema>;

export function parseDigestPreviewSubmit(data: unknown): DigestPreviewSubmit | undefined {
  const r = digestPreviewSubmitSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
