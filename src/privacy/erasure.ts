import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock';
import { markerKey } from '../escalations/escalation.store';
import { odataString, safeKey, type Tables } from '../storage/tables';
import { bookingRowKey } from '../training/session.store';
import { deleteRows } from './retention';

/** What stands in for an erased person's name, id and contact details where a record has to stay. */
export const ERASED = '(erased on request)';
const ERASED_ID = 'erased';

export interface ErasureReport {
  /** The person's stored 1:1 chat reference. */
  conversations: number;
  subscriptions: number;
  /** Future bookings and waiting-list places cancelled (the place goes to the next in line, who is told). */
  bookingsCancelled: number;
  /** Booking rows (past and cancelled ones included) and their index rows deleted. */
  bookingRows: number;
  /** Escalations they raised: kept for the partnership's record (they concern a child's safety) with their name, id and contact details removed. */
  escalationsAnonymised: number;
  /** Places they appear as a team member (history lines, assignee, last change), name and id removed. */
  escalationMentions: number;
  feedback: number;
  roleGrants: number;
  /** Delivery rows addressed to them (a row being sent right now is left and reported here). */
  deliveryRows: number;
  deliveryRowsInFlight: number;
}

export interface ErasureDeps {
  tables: Tables;
  clock: Clock;
  /** Cancels a booking through the training service (frees the place, promotes the waiting list). */
  cancelBooking?: (sessionId: string, personKey: string) => Promise<unknown>;
  /** Redraws an escalation's channel card after its people were anonymised. */
  escalationChanged?: (id: string) => Promise<unknown>;
}

async function rowsWhere<T extends object>(table: TableClient, filter: string, select?: string[]): Promise<(T & { partitionKey: string; rowKey: string; etag: string })[]> {
  const out: (T & { partitionKey: string; rowKey: string; etag: string })[] = [];
  for await (const r of table.listEntities<T>({ queryOptions: { filter, ...(select ? { select: ['PartitionKey', 'RowKey', ...select] } : {}) } })) {
    out.push(r as T & { partitionKey: string; rowKey: string; etag: string });
  }
  return out;
}

/**
 * Erases one person's data on request (`personKey`: their Entra object id, or the `teams:` key of a client
 * without one). Removes their chat reference, subscription, bookings, feedback, role grants and delivery rows;
 * cancels their future bookings properly; strips their name, id and contact details from the escalations they
 * raised or acted on. The answer log and the survey log hold no identity, so nothing there names them.
 */
export async function erasePerson(deps: ErasureDeps, personKey: string): Promise<ErasureReport> {
  const { tables, clock } = deps;
  const key = personKey.trim();
  if (!key) throw new Error('no person given');
  const q = odataString(key);
  const report: ErasureReport = {
    conversations: 0,
    subscriptions: 0,
    bookingsCancelled: 0,
    bookingRows: 0,
    escalationsAnonymised: 0,
    escalationMentions: 0,
    feedback: 0,
    roleGrants: 0,
    deliveryRows: 0,
    deliveryRowsInFlight: 0,
  };
  const removeOne = async (table: TableClient, pk: string, rk: string): Promise<number> => {
    try {
      await table.deleteEntity(pk, rk);
      return 1;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return 0;
      throw e;
    }
  };

  report.conversations = await removeOne(tables.client('Conversations'), 'user', safeKey(key));
  report.subscriptions = await removeOne(tables.client('Subscriptions'), 'user', safeKey(key));

  // Training: future places are cancelled through the service first, so counters and the waiting list stay right.
  const now = clock.now().toISOString();
  const index = await rowsWhere<{ status: string; startUtc: string }>(tables.client('Bookings'), `PartitionKey eq ${odataString(safeKey(key))}`);
  for (const b of index) {
    if ((b.status === 'booked' || b.status === 'waiting') && b.startUtc > now && deps.cancelBooking) {
      await deps.cancelBooking(b.rowKey, key);
      report.bookingsCancelled++;
    }
    report.bookingRows += await removeOne(tables.client('Sessions'), b.rowKey, bookingRowKey(key));
  }
  await deleteRows(tables.client('Bookings'), index);

  // Escalations they raised: the record stays (it is about a child), without who raised it or how to reach them.
  const esc = tables.client('Escalations');
  for (const r of await rowsWhere<{ submissionId: string }>(esc, `PartitionKey eq 'escalation' and submitterAadId eq ${q}`)) {
    await esc.updateEntity(
      { partitionKey: r.partitionKey, rowKey: r.rowKey, submitterAadId: ERASED_ID, submitterName: ERASED, contactDetails: ERASED, submitterTarget: '' },
      'Merge',
    );
    await removeOne(esc, 'escalation', markerKey(key, r.submissionId));
    report.escalationsAnonymised++;
    await deps.escalationChanged?.(r.rowKey).catch(() => undefined);
  }
  for (const field of ['assigneeAadId', 'lastActorAadId'] as const) {
    const nameField = field === 'assigneeAadId' ? 'assigneeName' : 'lastActorName';
    for (const r of await rowsWhere(esc, `PartitionKey eq 'escalation' and ${field} eq ${q}`, [field])) {
      await esc.updateEntity({ partitionKey: r.partitionKey, rowKey: r.rowKey, [field]: ERASED_ID, [nameField]: ERASED }, 'Merge');
      report.escalationMentions++;
      await deps.escalationChanged?.(r.rowKey).catch(() => undefined);
    }
  }
  const history = tables.client('EscalationHistory');
  for (const h of await rowsWhere(history, `actorAadId eq ${q}`, ['actorAadId'])) {
    await history.updateEntity({ partitionKey: h.partitionKey, rowKey: h.rowKey, actorAadId: ERASED_ID, actorName: ERASED }, 'Merge');
    report.escalationMentions++;
  }

  const feedback = tables.client('Feedback');
  report.feedback = await deleteRows(feedback, await rowsWhere(feedback, `RowKey eq ${odataString(key.replace(/[\\/#?\u0000-\u001f]/g, '_').slice(0, 200))}`, []));

  const settings = tables.client('Settings');
  for (const role of ['admin', 'trainer', 'escalation']) report.roleGrants += await removeOne(settings, `role-${role}`, key.toLowerCase());

  const outbox = tables.client('Outbox');
  for (const r of await rowsWhere<{ claimedUntil?: string }>(outbox, `recipientKey eq ${q}`, ['claimedUntil'])) {
    if (r.claimedUntil && r.claimedUntil > now) report.deliveryRowsInFlight++;
    else report.deliveryRows += await removeOne(outbox, r.partitionKey, r.rowKey);
  }
  return report;
}

/** The report as lines a person reads. */
export function describeErasure(r: ErasureReport): string[] {
  return [
    `conversation reference: ${r.conversations}`,
    `newsletter subscription: ${r.subscriptions}`,
    `future training places cancelled: ${r.bookingsCancelled}; booking records removed: ${r.bookingRows}`,
    `escalations they raised, kept without their name, id or contact details: ${r.escalationsAnonymised}`,
    `escalation history lines and assignments with their name removed: ${r.escalationMentions}`,
    `answer feedback: ${r.feedback}`,
    `role grants: ${r.roleGrants}`,
    `delivery records: ${r.deliveryRows}${r.deliveryRowsInFlight ? ` (${r.deliveryRowsInFlight} being sent right now: run it again in a minute)` : ''}`,
    'answer log and survey log: nothing to remove (they hold no identity; questions are stored masked)',
  ];
}
