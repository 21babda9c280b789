import type { OutgoingMessage } from '../delivery/notifier';
import { describeAction } from './escalation-status';
import { STATUS_LABELS, type EscalationView, type HistoryEntry } from './escalation.types';

/**
 * How the service words what it sends. cards/ implements this with Adaptive Cards
 * (`escalationCardMessages`); the plain-text default keeps the domain usable without cards.
 */
export interface EscalationMessages {
  /** The one card per escalation in the team channel, updated in place after every change. */
  teamCard(view: EscalationView): OutgoingMessage;
  /** Tells the submitter what just happened to their escalation. */
  submitterUpdate(view: EscalationView, change: HistoryEntry): OutgoingMessage;
  /** A fresh channel post when nobody has acknowledged within the time limit. */
  reRaise(view: EscalationView, limit: string): OutgoingMessage;
}

export const plainEscalationMessages: EscalationMessages = {
  teamCard: ({ record }) => ({
    text: `${record.urgent ? 'URGENT ' : ''}${record.id}: ${STATUS_LABELS[record.status]}${record.assignee ? ` (${record.assignee.name})` : ''}`,
  }),
  submitterUpdate: ({ record }, change) => ({
    text: `${change.actor.name} ${describeAction(change.action)} your escalation ${record.id}. Status: ${STATUS_LABELS[record.status]}.`,
  }),
  reRaise: ({ record }, limit) => ({ text: `${record.id} has not been acknowledged within ${limit}.` }),
};
