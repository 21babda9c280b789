import { ManualClock } from '../../../src/clock';
import { createDeliveryEngine } from '../../../src/delivery/delivery.engine';
import { createLogger } from '../../../src/logger';
import type { Tables } from '../../../src/storage/tables';
import { createTrainingService, type TrainingService } from '../../../src/training/training.service';
import type { SessionInput } from '../../../src/training/training.types';
import { trainingRenderer } from '../../../cards/training-messages';
import { CaptureNotifier, target } from '../../helpers/capture-notifier';

export const logger = createLogger('silent');
export const SETTINGS = { reminderDays: [7, 1], reminderTime: '09:00', onlineReminderMinutes: 60 };

export interface Rig {
  service: TrainingService;
  notifier: CaptureNotifier;
  clock: ManualClock;
}

/** A training service on the suite's Azurite tables; conversations are `conv-<person id>`. */
export function rig(tables: Tables, clock: ManualClock, notifier = new CaptureNotifier(), instanceId?: string): Rig {
  const engine = createDeliveryEngine({ tables, notifier, clock, logger, ratePerSecond: 1000, pollMs: 20 });
  const service = createTrainingService({
    tables,
    clock,
    logger,
    engine,
    conversations: { target: async (_kind, key) => target(`conv-${key}`) },
    render: trainingRenderer,
    settings: SETTINGS,
    instanceId,
  });
  return { service, notifier, clock };
}

export function sessionInput(over: Partial<SessionInput> = {}): SessionInput {
  return {
    courseId: 'working-together-to-safeguard-children',
    date: '2026-03-30',
    startTime: '10:00',
    endTime: '12:30',
    mode: 'in-person',
    venue: 'Council House, Coventry',
    capacity: 2,
    ...over,
  };
}

export const trainer = { id: '00000000-0000-4000-8000-00000000000t', name: 'Tina Trainer' };
export const person = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `Person ${n}` });
let seq = 0;
export const rid = () => `req${Date.now().toString(36)}${(seq++).toString(36)}`;

/** Messages the capture notifier accepted for one person, by card title. */
export function titlesFor(n: CaptureNotifier, personId: string): string[] {
  return n.sends
    .filter((s) => s.target.conversationId === `conv-${personId}`)
    .map((s) => {
      const card = s.message.attachments?.[0]?.content as { body: { text?: string }[] };
      return card.body[0].text ?? '';
    });
}
