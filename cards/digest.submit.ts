import { z } from 'zod';

/**
 * "Ask me about this" on a digest: put `question` to the Q&A as if the person had typed it, answered from that
 * newsletter (`docId`) when the button names one. Follow-up buttons under answers send a question alone.
 */
export const askSubmitSchema = z
  .object({ verb: z.literal('ask'), question: z.string().trim().min(1).max(500), docId: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i).optional() })
  .strip();

/** Subscribe / Unsubscribe buttons (digest card, subscription card, welcome card). `kind` defaults to where the button was pressed. */
export const subscriptionSubmitSchema = z
  .object({
    verb: z.enum(['subscribe', 'unsubscribe']),
    kind: z.enum(['user', 'channel']).optional(),
  })
  .strip();

export type AskSubmit = z.output<typeof askSubmitSchema>;
export type SubscriptionSubmit = z.output<typeof subscriptionSubmitSchema>;

export function parseAskSubmit(data: unknown): AskSubmit | undefined {
  const r = askSubmitSchema.safeParse(data);
  return r.success ? r.data : undefined;
}

export function parseSubscriptionSubmit(data: unknown): SubscriptionSubmit | undefined {
  const r = subscriptionSubmitSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
