import type { OutgoingMessage } from '../src/delivery/notifier';
import type { EscalationMessages } from '../src/escalations/escalation.messages';
import { describeAction } from '../src/escalations/escalation-status';
import { STATUS_LABELS } from '../src/escalations/escalation.types';
import { adaptiveCard, cardAttachment, escapeCardText, text, type AdaptiveCard } from './card';
import { buildEscalationReRaiseCard, buildEscalationTeamCard } from './escalation-team.card';

const asMessage = (card: AdaptiveCard, summary: string): OutgoingMessage => ({ attachments: [cardAttachment(card)], summary });

/** Adaptive Card wording for the escalation service: pass as `messages` to createEscalationService. */
export const escalationCardMessages: EscalationMessages = {
  teamCard: (v) => asMessage(buildEscalationTeamCard(v), `Escalation ${v.record.id}: ${STATUS_LABELS[v.record.status]}`),
  submitterUpdate: ({ record: r }, change) => {
    const headline = `${change.actor.name} ${describeAction(change.action)} your escalation ${r.id}.`;
    const card = adaptiveCard([
      text(escapeCardText(headline), { weight: 'Bolder' }),
      text(`Status: **${STATUS_LABELS[r.status]}**${r.assignee ? ` (with ${escapeCardText(r.assignee.name)})` : ''}`),
      ...(change.note ? [text(`${change.action === 'resolve' ? 'Outcome' : 'Note'}: ${escapeCardText(change.note)}`)] : []),
      text('Type **my escalations** to see the full history.', { isSubtle: true, size: 'Small' }),
    ]);
    return asMessage(card, headline);
  },
  reRaise: (v, limit) => asMessage(buildEscalationReRaiseCard(v, limit), `Escalation ${v.record.id} has not been acknowledged within ${limit}`),
};
