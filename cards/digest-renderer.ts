import type { DeliveryProgress } from '../src/delivery/delivery.progress';
import type { DigestRecord, DigestRenderer } from '../src/digests/digest.types';
import { cardAttachment } from './card';
import { digestMessage } from './digest.card';
import { buildDigestStatusCard } from './digest-progress.card';

/** The digest feature's messages, built from cards/; pass to createDigestService({ render }). */
export const digestRenderer: DigestRenderer = {
  digest: (d: DigestRecord) => digestMessage(d),
  progress: (d: DigestRecord, p: DeliveryProgress) => ({ attachments: [cardAttachment(buildDigestStatusCard(d, p))] }),
};
