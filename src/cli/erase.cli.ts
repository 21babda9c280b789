/*
 * npm run erase -- <Entra object id> [--json]
 * npm run erase -- --purge [--json]
 * Erases one person's data on request (the same as an admin's "erase" command in Teams) and prints what was
 * removed; or runs the retention purge once. Future training places are cancelled through the training
 * service: the people next on the waiting list are told by the running bot, which picks up the notices.
 */
import { systemClock } from '../clock';
import { loadConfigOrExit } from '../config';
import { createDeliveryEngine } from '../delivery/delivery.engine';
import { DeliveryError, type Notifier } from '../delivery/notifier';
import { createLogger } from '../logger';
import { describeErasure, erasePerson } from '../privacy/erasure';
import { purgeExpired } from '../privacy/retention';
import { isEntraObjectId } from '../roles/role.service';
import { createTrainingService } from '../training/training.service';
import type { TrainingRenderer } from '../training/training.types';
import { openCliTables, parseArgs } from './cli-engine';

const USAGE = 'usage: npm run erase -- <Entra object id> [--json]\n       npm run erase -- --purge [--json]\n';

/** The CLI never sends: notices it causes are left for the bot (its training tick resumes open jobs). */
const noSend: Notifier = {
  send: async () => {
    throw new DeliveryError(0, 'the CLI does not send');
  },
  update: async () => undefined,
};
const never = () => ({ text: '' });
const unusedRenderer: TrainingRenderer = { reminder: never, cancelled: never, changed: never, promoted: never, trainerMessage: never };

async function main(): Promise<number> {
  const { opts, rest } = parseArgs(process.argv.slice(2), []);
  const id = rest[0] ?? '';
  if (!opts.purge && !isEntraObjectId(id) && !/^teams:\S+$/.test(id)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfigOrExit(process.env);
  const opened = await openCliTables(config);
  if ('problem' in opened) {
    process.stderr.write(`${opened.problem}\n`);
    return 1;
  }
  const { tables } = opened;
  if (opts.purge) {
    const report = await purgeExpired({ tables, clock: systemClock, config });
    process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${Object.entries(report).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
    return 0;
  }
  const logger = createLogger('silent');
  const engine = createDeliveryEngine({ tables, notifier: noSend, clock: systemClock, logger, ratePerSecond: 1 });
  const training = createTrainingService({
    tables,
    clock: systemClock,
    logger,
    engine,
    conversations: { target: async () => undefined },
    render: unusedRenderer,
    settings: config.training,
  });
  // Stopped before use: the jobs it opens (waiting-list promotions) are sent by the bot, never from here.
  training.stop();
  const report = await erasePerson({ tables, clock: systemClock, cancelBooking: (sessionId, key) => training.cancelBooking(sessionId, key) }, id);
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `Erased ${id}:\n${describeErasure(report).map((l) => `  - ${l}`).join('\n')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`erase failed: ${(e as Error).name}\n`);
    process.exit(1);
  },
);
