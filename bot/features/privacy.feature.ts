import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { escalationCardMessages } from '../../cards/escalation.messages';
import { describeErasure, erasePerson } from '../../src/privacy/erasure';
import { JOURNAL_KEEP_MS, pruneJournals } from '../../src/delivery/sent-journal';
import { purgeExpired, type RetentionReport } from '../../src/privacy/retention';
import { isEntraObjectId } from '../../src/roles/role.service';
import { createLeasedJob } from '../../src/scheduler/leased-job';
import { lastCronSlot, NIGHTLY_PURGE } from '../../src/scheduler/cron-slot';
import type { BotDeps, FeatureFactory } from '../deps';
import { replyPrivately } from '../private-reply';
import { requireRole } from '../turn';
import type { EscalationsFeature } from './escalations.feature';
import type { TrainingFeature } from './training.feature';

/** What tests and other features reach through `deps.features.privacy`. */
export interface PrivacyFeature {
  /** One retention pass, if it is due and this instance holds the lease; undefined otherwise. */
  purge(): Promise<RetentionReport | undefined>;
  erase(personKey: string): ReturnType<typeof erasePerson>;
}

const USAGE = 'Usage: **erase <Entra object id>** removes that person’s data (chat reference, subscription, bookings, feedback, roles) and strips their name and contact details from escalations. Find the id in the Entra admin centre.';

/** `erase <object id>` (admins): erases one person's data on request and reports what was removed, in the admin's 1:1 chat. */
async function eraseCommand(ctx: TurnContext, deps: BotDeps, privacy: PrivacyFeature, args: string): Promise<void> {
  if (!(await requireRole(ctx, deps, 'admin', 'erase', 'Sorry, only CSCP admins can erase a person’s data.'))) return;
  const id = args.trim().split(/\s+/)[0] ?? '';
  if (!isEntraObjectId(id) && !/^teams:\S+$/.test(id)) return replyPrivately(ctx, deps, { text: USAGE }, 'erase');
  const report = await privacy.erase(id);
  deps.logger.info({ activityId: ctx.activity.id, by: ctx.activity.from?.aadObjectId, target: id, ...report }, 'person erased on request');
  await replyPrivately(ctx, deps, { text: [`**Erased ${id}.** Removed or changed:`, ...describeErasure(report).map((l) => `- ${l}`)].join('\n') }, 'erase');
}

/**
 * Privacy: the nightly retention purge (answer log, resolved escalations, survey log; one instance, under a
 * lease) and the admins' `erase` command.
 */
export const privacyFeature: FeatureFactory = (deps) => {
  let last: RetentionReport | undefined;
  // Nightly at 03:17 UK time on one instance, under a short lease kept by heartbeat: a purge whose instance
  // dies is taken over within seconds, and a night the bot was down is made up at the next start.
  const job = createLeasedJob({
    name: 'retention-purge',
    leases: deps.tables.client('Leases'),
    owner: randomUUID(),
    clock: deps.clock,
    logger: deps.logger,
    due: (lastDone, now) => {
      const slot = lastCronSlot(NIGHTLY_PURGE, now);
      return Boolean(slot) && (!lastDone || lastDone.getTime() < slot!.getTime());
    },
    async run() {
      last = await purgeExpired({ tables: deps.tables, clock: deps.clock, config: deps.config });
      // The delivery journal's old files too (the folder is shared by the instances: one purge covers all).
      const journalFiles = pruneJournals(deps.config.delivery.journalDir, JOURNAL_KEEP_MS, Date.now());
      deps.logger.info({ ...last, journalFiles, days: deps.config.retention }, 'retention purge');
    },
  });
  const privacy: PrivacyFeature = {
    async purge() {
      last = undefined;
      const r = await job.tick();
      return r === 'ran' ? last : undefined;
    },
    erase(personKey) {
      const training = deps.features.training as TrainingFeature | undefined;
      const escalations = deps.features.escalations as EscalationsFeature | undefined;
      return erasePerson(
        {
          tables: deps.tables,
          clock: deps.clock,
          cancelBooking: training ? (sessionId, key) => training.service.cancelBooking(sessionId, key) : undefined,
          escalationChanged: escalations
            ? async (id) => {
                const v = await escalations.service.get(id);
                if (v?.record.channelTarget && v.record.channelActivityId) {
                  await deps.notifier.update(v.record.channelTarget, v.record.channelActivityId, escalationCardMessages.teamCard(v));
                }
              }
            : undefined,
        },
        personKey,
      );
    },
  };
  deps.features.privacy = privacy;
  return {
    name: 'privacy',
    commands: [{ name: 'erase', pattern: /^erase\b/i, run: (ctx, d, text) => eraseCommand(ctx, d, privacy, text.replace(/^erase\s*/i, '')) }],
    start() {
      job.start();
    },
    async stop() {
      await job.stop();
    },
  };
};
