import { createSurveyService, type SurveyService } from '../../src/surveys/survey.service';
import type { FeatureFactory } from '../deps';
import { showSurvey } from './surveys/survey-show.handler';
import { setSurveyLink } from './surveys/survey-set.handler';
import { logSurveyShare } from './surveys/survey-log.handler';
import { showSurveyReport } from './surveys/survey-report.handler';
import { sendSurveyCsv } from './surveys/survey-csv-file';

/** The parent survey: link + QR card and anonymous sharing log for practitioners; link and reach report for admins. */
export const surveysFeature: FeatureFactory = (deps) => {
  const service: SurveyService = createSurveyService({ tables: deps.tables, clock: deps.clock, config: deps.config });
  deps.features.surveys = service;
  return {
    name: 'surveys',
    commands: [
      { name: 'survey set', pattern: /^survey\s+set\b/i, run: (ctx, d, text) => setSurveyLink(ctx, d, service, text) },
      { name: 'survey report', pattern: /^survey\s+report$/i, run: (ctx, d) => showSurveyReport(ctx, d, service) },
      { name: 'survey', pattern: /^(?:parent\s+)?survey$/i, run: (ctx, d) => showSurvey(ctx, d, service) },
    ],
    submits: [
      { verb: 'survey', run: (ctx, d) => showSurvey(ctx, d, service) },
      { verb: 'surveyLog', run: (ctx, d, data) => logSurveyShare(ctx, d, service, data) },
      { verb: 'surveyReportCsv', run: (ctx, d) => sendSurveyCsv(ctx, d, service) },
    ],
    intents: { survey: 'survey' },
  };
};
