import type { EscalationReport } from '../src/escalations/escalation-report';
import { adaptiveCard, heading, text, type AdaptiveCard } from './card';
import { barChart } from './bar-chart.block';

/** Open escalations for the team and admins: by age, type and other agency. */
export function buildEscalationReportCard(r: EscalationReport): AdaptiveCard {
  return adaptiveCard([
    heading('Escalations report'),
    text(`**${r.open}** open (${r.openUrgent} urgent) · ${r.resolved} resolved`),
    barChart('Open, by age', r.byAge.map((b) => ({ label: b.label, value: b.count })), 'warning'),
    barChart('Open, by type', r.byType.map((b) => ({ label: b.label, value: b.count }))),
    barChart('Open, by other agency', r.byAgency.slice(0, 12).map((b) => ({ label: b.label, value: b.count })), 'good'),
  ]);
}
