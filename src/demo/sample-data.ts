import { DateTime } from 'luxon';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { createDeliveryEngine } from '../delivery/delivery.engine';
import { DeliveryError, type Notifier, type OutgoingMessage } from '../delivery/notifier';
import { createDigestService } from '../digests/digest.service';
import { LONDON } from '../digests/london-time';
import type { Logger } from '../logger';
import { createRoleService, type Role } from '../roles/role.service';
import type { Tables } from '../storage/tables';
import { createSurveyService } from '../surveys/survey.service';
import { createTrainingService } from '../training/training.service';
import type { Course, TrainingRenderer } from '../training/training.types';
import { SAMPLE_NEWSLETTER, SAMPLE_NEWSLETTER_TITLE } from './sample-newsletter';

/** The Microsoft 365 Agents Playground's user (Alex Wilber): the person who tries the bot locally. */
export const PLAYGROUND_USER_AAD_ID = '00000000-0000-0000-0000-0000000000020';
const SEEDED_BY = 'npm run demo';
export const SAMPLE_LABEL = 'SAMPLE (npm run demo): not a real session, for trying the bot locally.';

/**
 * Why the sample must not be written here, or undefined when it may: the demo is for a local try-out, so it refuses
 * production and any storage account that is not a local Azurite.
 */
export function demoRefusal(config: Config): string | undefined {
  if (config.env === 'production') return 'npm run demo is for trying the bot locally: it refuses to run with NODE_ENV=production.';
  const cs = config.storage.connectionString;
  if (cs && !isLocalStorage(cs)) {
    return 'npm run demo only writes sample data to the local Azurite: AZURE_STORAGE_CONNECTION_STRING points at a storage account, so nothing was written. Unset it to try the bot locally.';
  }
  return undefined;
}

function isLocalStorage(cs: string): boolean {
  if (/UseDevelopmentStorage=true/i.test(cs)) return true;
  const endpoint = /TableEndpoint=([^;]+)/i.exec(cs)?.[1];
  if (!endpoint) return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

export interface SeedResult {
  roles: Role[];
  sessions: { id: string; courseName: string; mode: string; startUtc: string; created: boolean }[];
  survey: { url: string; set: boolean };
  digest: { id: string; title: string; items: number; created: boolean };
}

/** The demo never sends: the bot does, once it runs. */
const noSend: Notifier = {
  send: async () => {
    throw new DeliveryError(0, 'the demo seed does not send');
  },
  update: async () => undefined,
};
const nothing = (): OutgoingMessage => ({ text: '' });
const noRender: TrainingRenderer = { reminder: nothing, cancelled: nothing, changed: nothing, promoted: nothing, trainerMessage: nothing };

/**
 * Seeds a clearly labelled sample so a first run shows every feature: the Playground user gets the admin, trainer and
 * escalation-team roles (through the role grants an admin could make), two upcoming training sessions (one online,
 * one in person), a parent-survey link on an allowed host (unless one is set) and a draft newsletter digest to
 * preview. Running it again adds only what is missing (new sessions once the sample ones have passed).
 */
export async function seedSample(deps: { tables: Tables; config: Config; clock: Clock; logger: Logger }): Promise<SeedResult> {
  const { tables, config, clock, logger } = deps;
  const refusal = demoRefusal(config);
  if (refusal) throw new Error(refusal);

  const roles = createRoleService(config, tables, clock);
  const granted: Role[] = ['admin', 'trainer', 'escalation'];
  for (const role of granted) if (!(await roles.has(role, PLAYGROUND_USER_AAD_ID))) await roles.grant(role, PLAYGROUND_USER_AAD_ID, SEEDED_BY);

  const engine = createDeliveryEngine({ tables, notifier: noSend, clock, logger, ratePerSecond: config.delivery.ratePerSecond });
  const training = createTrainingService({
    tables,
    clock,
    logger,
    engine,
    conversations: { target: async () => undefined },
    render: noRender,
    settings: { reminderDays: config.training.reminderDays, reminderTime: config.training.reminderTime, onlineReminderMinutes: config.training.onlineReminderMinutes },
  });
  await training.seedCourses(config.guidanceDir);
  const courses = (await training.listCourses()).filter((c) => c.kind === 'course');
  const pick = (words: RegExp, fallback: number): Course | undefined => courses.find((c) => words.test(c.name)) ?? courses[fallback];
  const today = DateTime.fromJSDate(clock.now()).setZone(LONDON).startOf('day');
  const trainer = { id: PLAYGROUND_USER_AAD_ID, name: 'Sample trainer' };
  const plans = [
    { course: pick(/professional curiosity/i, 0), days: 7, start: '10:00', end: '12:30', mode: 'online' as const, joinUrl: 'https://teams.microsoft.com/l/meetup-join/sample-cscp-demo-session' },
    { course: pick(/working together/i, 1), days: 14, start: '13:30', end: '16:00', mode: 'in-person' as const, venue: 'Council House, Coventry (sample venue)' },
  ];
  const sessions: SeedResult['sessions'] = [];
  const upcoming = (await training.upcoming()).map((v) => v.session).filter((s) => s.notes === SAMPLE_LABEL && s.status === 'scheduled');
  for (const p of plans) {
    if (!p.course) throw new Error('No training courses in the catalogue: is GUIDANCE_DIR the bundled guidance?');
    // A sample session of this kind still to come is enough: a new one is added only once it has passed.
    const earlier = upcoming.find((s) => s.mode === p.mode);
    if (earlier) {
      sessions.push({ id: earlier.id, courseName: earlier.courseName, mode: earlier.mode, startUtc: earlier.startUtc, created: false });
      continue;
    }
    const date = today.plus({ days: p.days }).toFormat('yyyy-MM-dd');
    const { session, created } = await training.createSession(
      {
        courseId: p.course.id,
        date,
        startTime: p.start,
        endTime: p.end,
        mode: p.mode,
        venue: p.venue,
        joinUrl: p.joinUrl,
        capacity: p.mode === 'online' ? 20 : 12,
        trainerName: trainer.name,
        notes: SAMPLE_LABEL,
      },
      trainer,
      // One request id per day and mode, so two runs at once still make one session.
      `demo-${p.mode}-${date.replace(/-/g, '')}`,
    );
    sessions.push({ id: session.id, courseName: session.courseName, mode: session.mode, startUtc: session.startUtc, created });
  }

  const surveys = createSurveyService({ tables, clock, config });
  const current = await surveys.currentLink();
  const survey = current
    ? { url: current.url, set: false }
    : { url: (await surveys.setLink(`https://${config.survey.allowedHosts.find((h) => h === 'forms.office.com') ?? config.survey.allowedHosts[0]}/r/CSCP-sample-parent-survey`, SEEDED_BY)).url, set: true };

  const digests = createDigestService({
    tables,
    engine,
    notifier: noSend,
    clock,
    config,
    logger,
    // The size check needs a rendering; the record's JSON is close to the card's size (cards/ is not loaded here).
    render: { digest: (d) => ({ text: JSON.stringify(d) }), progress: () => ({}) },
  });
  const existing = (await digests.listReports(50)).map((r) => r.digest).find((d) => d.title === SAMPLE_NEWSLETTER_TITLE && d.status === 'draft');
  const d =
    existing ??
    (await digests.create({
      content: SAMPLE_NEWSLETTER,
      format: 'text',
      title: SAMPLE_NEWSLETTER_TITLE,
      url: 'https://www.coventry.gov.uk/cscp',
      createdBy: SEEDED_BY,
      requestId: `demo-newsletter-${today.toFormat('yyyyMMdd')}`,
    }));
  logger.info({ sessions: sessions.length, digestId: d.id }, 'demo sample seeded');
  return { roles: granted, sessions, survey, digest: { id: d.id, title: d.title, items: d.totalItems, created: !existing } };
}
