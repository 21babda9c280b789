import type { Config } from '../src/config';
import type { EscalationRecord } from '../src/escalations/escalation.types';
import { adaptiveCard, heading, submitAction, text, type AdaptiveCard } from './card';
import { emergencyGuidanceBlock } from './emergency-guidance.block';

/** Shown to the submitter only after the record is committed. */
export function buildEscalationConfirmationCard(o: { record: EscalationRecord; config: Config; duplicate?: boolean }): AdaptiveCard {
  const r = o.record;
  const body = [
    ...(r.urgent ? [emergencyGuidanceBlock(o.config.safety)] : []),
    heading(`Saved: reference ${r.id}`),
    text(
      o.duplicate
        ? 'This escalation had already been received; nothing new was created.'
        : 'Your escalation is saved and has gone to the CSCP escalation team. You will get a message here when it is acknowledged, assigned or resolved.',
    ),
    ...(r.urgent ? [text('Marked **urgent** because the child is not safe right now: the team is asked to act within the hour.', { color: 'Attention' })] : []),
    text('Type **my escalations** at any time to see its status and history.', { isSubtle: true }),
  ];
  return adaptiveCard(body, [submitAction('My escalations', 'myEscalations')]);
}

/**
 * When storage failed: nothing was saved, what to do instead, and the emergency route for anything
 * urgent. The form values stay with the user (the bot re-sends the form) so nothing is lost.
 */
export function buildEscalationNotSavedCard(o: { config: Config; urgent?: boolean }): AdaptiveCard {
  const contact = o.config.safety.website;
  return adaptiveCard([
    ...(o.urgent ? [emergencyGuidanceBlock(o.config.safety)] : []),
    heading('Not saved'),
    text('Sorry: your escalation could **not** be saved just now, so the team has not received it. Please try again in a few minutes with the same form.', {
      color: 'Attention',
    }),
    text(`If it cannot wait, contact the other agency’s manager directly as the escalation procedure describes, and let the CSCP business unit know (${contact}).`),
  ]);
}
