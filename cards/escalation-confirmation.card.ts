import type { Config } from '../src/config';
import type { EscalationRecord } from '../src/escalations/escalation.types';
import { adaptiveCard, heading, submitAction, text, type AdaptiveCard } from './card';
import { emergencyGuidanceBlock } from './emergency-guidance.block';

/**
 * Where the escalation is now, truthfully: posted to the team channel, or saved and waiting for a channel
 * (none set up yet, or delivery failed: the SLA check posts any unposted card every few minutes).
 */
function whereItIs(r: EscalationRecord): string {
  if (r.channelActivityId) return 'Your escalation is saved and has been posted to the CSCP escalation team’s channel.';
  if (!r.channelTarget) {
    return 'Your escalation is saved, but it is not with the team yet: their channel has not been set up. It will be posted to the escalation team’s channel as soon as it is set up.';
  }
  return 'Your escalation is saved, but it is not with the team yet: it could not be posted to their channel just now. It will be posted to the escalation team’s channel as soon as that works (the bot retries every few minutes).';
}

/** Shown to the submitter only after the record is committed. */
export function buildEscalationConfirmationCard(o: { record: EscalationRecord; config: Config; duplicate?: boolean }): AdaptiveCard {
  const r = o.record;
  const body = [
    ...(r.urgent ? [emergencyGuidanceBlock(o.config.safety)] : []),
    heading(`Saved: reference ${r.id}`),
    text(o.duplicate ? 'This escalation had already been received; nothing new was created.' : whereItIs(r)),
    text('You will get a message here when it is acknowledged, assigned or resolved.'),
    ...(r.urgent
      ? [
          text(
            r.channelActivityId
              ? 'Marked **urgent** because the child is not safe right now: the team is asked to act within the hour.'
              : `Marked **urgent** because the child is not safe right now. As the team does not have it yet, please also contact the CSCP business unit directly (${o.config.safety.website}).`,
            { color: 'Attention' },
          ),
        ]
      : []),
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
