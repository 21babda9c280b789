import { randomUUID } from 'node:crypto';
import type { DeliveryTarget, Notifier, OutgoingMessage, SendOutcome } from '../../../src/delivery/notifier';

/** A Notifier that records calls (the HTTP path is covered by the lead's end-to-end tests). */
export class RecordingNotifier implements Notifier {
  sends: { target: DeliveryTarget; message: OutgoingMessage }[] = [];
  updates: { target: DeliveryTarget; activityId: string; message: OutgoingMessage }[] = [];
  failSends = false;
  private n = 0;
  async send(target: DeliveryTarget, message: OutgoingMessage): Promise<SendOutcome> {
    if (this.failSends) throw Object.assign(new Error('connector down'), { status: 503 });
    this.sends.push({ target, message });
    return { activityId: `activity-${++this.n}` };
  }
  async update(target: DeliveryTarget, activityId: string, message: OutgoingMessage): Promise<void> {
    this.updates.push({ target, activityId, message });
  }
  reset(): void {
    this.sends = [];
    this.updates = [];
  }
}

export const channel: DeliveryTarget = { conversationId: '19:team-channel@thread.tacv2', serviceUrl: 'https://smba.example/uk/', channelId: 'msteams' };
export const submitterTarget: DeliveryTarget = { conversationId: 'a:dsl-chat', serviceUrl: 'https://smba.example/uk/', channelId: 'msteams' };
export const dsl = { aadObjectId: 'aad-dsl-1', name: 'Dana Lead' };
export const sam = { aadObjectId: 'aad-team-sam', name: 'Sam Team' };
export const kim = { aadObjectId: 'aad-team-kim', name: 'Kim Team' };
export const outsider = { aadObjectId: 'aad-outsider', name: 'Olly Outsider' };

/** A complete, valid form as a card submits it (all strings). */
export function validForm(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    submissionId: randomUUID(),
    type: 'decision',
    otherAgency: 'MASH',
    issue: 'Threshold decision to close the contact with no further action despite new information.',
    stageReached: '2',
    outcomeWanted: 'Review of the decision by a MASH manager',
    caseReference: 'CS-123456',
    contactDetails: 'Dana Lead, DSL, via Teams',
    childSafeNow: 'yes',
    ...extra,
  };
}
