import { STATUS_LABELS, typeLabel, type EscalationView } from '../src/escalations/escalation.types';
import { adaptiveCard, escapeCardText, heading, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { historyLine, when } from './escalation-team.card';

/** The submitter's own escalations, newest first, with status and recent history. */
export function buildMyEscalationsCard(views: EscalationView[], max = 10): AdaptiveCard {
  const body: CardElement[] = [heading('My escalations')];
  if (views.length === 0) body.push(text('You have not raised any escalations yet. Type **escalate** to raise one.'));
  for (const { record: r, history } of views.slice(0, max)) {
    body.push({
      type: 'Container',
      separator: true,
      spacing: 'Medium',
      items: [
        text(`**${r.id}** · ${STATUS_LABELS[r.status]}${r.assignee ? ` (with ${escapeCardText(r.assignee.name)})` : ''}${r.urgent ? ' · urgent' : ''}`),
        text(`${typeLabel(r.type)} · ${escapeCardText(r.otherAgency)} · raised ${when(r.createdAt)}`, { size: 'Small', isSubtle: true, spacing: 'None' }),
        ...(r.resolution ? [text(`**Outcome**: ${escapeCardText(r.resolution)}`, { size: 'Small' })] : []),
        ...(history.length ? [text(history.slice(-3).map((h) => `- ${historyLine(h)}`).join('\n'), { size: 'Small', spacing: 'Small' })] : []),
      ],
    });
  }
  if (views.length > max) body.push(text(`…and ${views.length - max} older ones.`, { isSubtle: true }));
  return adaptiveCard(body, [submitAction('Raise a new escalation', 'escalate')]);
}
