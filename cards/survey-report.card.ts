import { DateTime } from 'luxon';
import type { SurveyReport } from '../src/surveys/survey.types';
import { adaptiveCard, heading, submitAction, text, type AdaptiveCard } from './card';
import { barChart } from './bar-chart.block';

const monthTitle = (m: string) => DateTime.fromFormat(m, 'yyyy-MM').toFormat('LLL yyyy');
// Each chart's title says it counts families, so the caption is the number with its logs in brackets.
const caption = (families: number, shares: number) => (shares ? `${families} (${shares} log${shares === 1 ? '' : 's'})` : '0');

/** Survey reach for admins: totals, bars by agency type (families) and by month, and a CSV button. */
export function buildSurveyReportCard(report: SurveyReport, opts: { currentUrl?: string } = {}): AdaptiveCard {
  const body = [
    heading('Parent survey reach'),
    text(`**${report.total.families}** ${report.total.families === 1 ? 'family' : 'families'} reached through **${report.total.shares}** logged ${report.total.shares === 1 ? 'share' : 'shares'}.`),
    ...(opts.currentUrl ? [text(`Current link: ${opts.currentUrl}`, { isSubtle: true, size: 'Small' })] : []),
    barChart(
      'Families by agency type',
      report.byAgency.map((a) => ({ label: a.label, value: a.families, caption: caption(a.families, a.shares) })),
    ),
    barChart(
      'Families by month',
      report.byMonth.map((m) => ({ label: monthTitle(m.month), value: m.families, caption: caption(m.families, m.shares) })),
      'good',
    ),
    barChart(
      'How it was shared',
      report.byMethod.map((m) => ({ label: m.label, value: m.families, caption: caption(m.families, m.shares) })),
      'warning',
    ),
  ];
  return adaptiveCard(body, [submitAction('Download as CSV', 'surveyReportCsv')]);
}
