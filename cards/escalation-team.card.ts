import { DateTime } from 'luxon';
import { allowedActions, describeAction, type TeamActionKind } from '../src/escalations/escalation-status';
import { STATUS_LABELS, stageLabel, typeLabel, type EscalationView, type HistoryEntry } from '../src/escalations/escalation.types';
import { adaptiveCard, escapeCardText, text, type AdaptiveCard, type CardElement } from './card';

/** Card verbs of the team channel card; `data.escalationId` names the record. */
export const TEAM_VERBS = {
  acknowledge: 'escalationAck',
  assign: 'escalationAssign',
  note: 'escalationNote',
  resolve: 'escalationResolve',
  reopen: 'escalationReopen',
} as const satisfies Record<TeamActionKind, string>;

export const when = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' }).toFormat('d LLL HH:mm');

/**
 * Action.Execute (Universal Actions: the bot answers the invoke with the refreshed card) with an
 * Action.Submit fallback carrying the same data, for hosts that cannot run Execute.
 */
export function executeAction(title: string, verb: string, escalationId: string, style?: 'positive' | 'destructive'): CardElement {
  const data = { verb, escalationId };
  return {
    type: 'Action.Execute',
    title,
    verb,
    data,
    ...(style ? { style } : {}),
    fallback: { type: 'Action.Submit', title, data, ...(style ? { style } : {}) },
  };
}

function withInput(title: string, verb: string, escalationId: string, inputId: string, label: string, required: boolean, extra: CardElement[] = []): CardElement {
  return {
    type: 'Action.ShowCard',
    title,
    card: {
      type: 'AdaptiveCard',
      body: [{ type: 'Input.Text', id: inputId, label, isMultiline: true, maxLength: 1000, isRequired: required, errorMessage: 'Required' }, ...extra],
      actions: [executeAction(title, verb, escalationId, 'positive')],
    },
  };
}

/** Team notes stay with the team unless this is switched on for one note. */
const shareNoteToggle: CardElement = {
  type: 'Input.Toggle',
  id: 'shareNote',
  title: 'Also send this note to the person who raised it',
  value: 'false',
  valueOn: 'true',
  valueOff: 'false',
};

export function historyLine(h: HistoryEntry): string {
  const note = h.note ? `: “${escapeCardText(h.note.length > 160 ? `${h.note.slice(0, 157)}…` : h.note)}”` : '';
  const shared = h.action === 'note' && h.shared ? ' (shared with the person who raised it)' : '';
  return `${when(h.at)} · ${escapeCardText(h.actor.name || 'Someone')} ${describeAction(h.action)} it${note}${shared}`;
}

/** The single channel card for one escalation; rebuilt and updated in place after every change. */
export function buildEscalationTeamCard({ record: r, history }: EscalationView): AdaptiveCard {
  const facts = [
    { title: 'Type', value: typeLabel(r.type) },
    { title: 'Other agency', value: r.otherAgency },
    { title: 'Stage reached', value: stageLabel(r.stageReached) },
    { title: 'Raised by', value: `${r.submitter.name}, ${when(r.createdAt)}` },
    { title: 'Contact', value: r.contactDetails },
    ...(r.caseReference ? [{ title: 'Case ref', value: r.caseReference }] : []),
    { title: 'Child safe now', value: r.childSafeNow === 'no' ? 'NO (urgent)' : 'Yes' },
  ];
  const body: CardElement[] = [
    {
      type: 'Container',
      style: r.urgent && r.status !== 'resolved' ? 'attention' : r.status === 'resolved' ? 'good' : 'emphasis',
      items: [
        text(`${r.urgent ? 'URGENT · ' : ''}Escalation ${r.id}`, { size: 'Large', weight: 'Bolder', style: 'heading' }),
        text(STATUS_LABELS[r.status] + (r.assignee ? ` · with ${escapeCardText(r.assignee.name)}` : ''), { spacing: 'None', weight: 'Bolder' }),
      ],
    },
    { type: 'FactSet', facts: facts.map((f) => ({ title: f.title, value: escapeCardText(f.value) })) },
    text('**Decision or issue**', { spacing: 'Medium' }),
    text(escapeCardText(r.issue), { spacing: 'None' }),
    text('**Outcome wanted**', { spacing: 'Small' }),
    text(escapeCardText(r.outcomeWanted), { spacing: 'None' }),
    ...(r.resolution ? [text('**Resolution**', { spacing: 'Small' }), text(escapeCardText(r.resolution), { spacing: 'None' })] : []),
    ...(r.reRaisedCount > 0 && r.status === 'new' ? [text(`⚠ Re-raised ${r.reRaisedCount}× (not acknowledged in time)`, { color: 'Warning' })] : []),
  ];
  if (history.length) {
    const recent = history.slice(-5);
    body.push(
      text(`**History**${history.length > recent.length ? ` (last ${recent.length} of ${history.length})` : ''}`, { spacing: 'Medium' }),
      text(recent.map((h) => `- ${historyLine(h)}`).join('\n'), { size: 'Small', spacing: 'None' }),
    );
  }
  const actions: CardElement[] = [];
  for (const kind of allowedActions(r.status)) {
    if (kind === 'acknowledge') actions.push(executeAction('Acknowledge', TEAM_VERBS.acknowledge, r.id, 'positive'));
    if (kind === 'assign') actions.push(executeAction('Assign to me', TEAM_VERBS.assign, r.id));
    if (kind === 'note') actions.push(withInput('Add note', TEAM_VERBS.note, r.id, 'note', 'Note for the team', true, [shareNoteToggle]));
    if (kind === 'resolve') actions.push(withInput('Resolve', TEAM_VERBS.resolve, r.id, 'outcome', 'Outcome (sent to the submitter)', true));
    if (kind === 'reopen') actions.push(withInput('Reopen', TEAM_VERBS.reopen, r.id, 'reason', 'Why reopen? (optional)', false));
  }
  return adaptiveCard(body, actions);
}

/** A fresh channel post when an escalation has waited past its limit (the original card keeps the buttons). */
export function buildEscalationReRaiseCard({ record: r }: EscalationView, limit: string): AdaptiveCard {
  return adaptiveCard([
    text(`⚠ ${r.urgent ? 'URGENT · ' : ''}Escalation ${r.id} has not been acknowledged within ${limit}.`, {
      weight: 'Bolder',
      color: r.urgent ? 'Attention' : 'Warning',
    }),
    text(`${typeLabel(r.type)} · ${escapeCardText(r.otherAgency)} · raised ${when(r.createdAt)} by ${escapeCardText(r.submitter.name)}`, { size: 'Small' }),
  ], [executeAction('Acknowledge', TEAM_VERBS.acknowledge, r.id, 'positive'), executeAction('Assign to me', TEAM_VERBS.assign, r.id)]);
}
