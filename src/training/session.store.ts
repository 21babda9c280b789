import type { TableClient, TransactionAction } from '@azure/data-tables';
import { getOrUndefined, isConflict, isNotFound, isPreconditionFailed, odataString, safeKey } from '../storage/tables';
import type { Booking, TrainingSession } from './training.types';

/**
 * Sessions table layout: partition = session id; row 'session' holds the session with its counters,
 * rows 'b~<person>' hold its bookings. Session and bookings share a partition so a booking and the
 * counter it uses are written in one transaction, conditional on the session row's ETag: capacity holds
 * under concurrent clicks, and a crash never leaves a counter without its booking.
 */
export const SESSION_ROW = 'session';
const BOOKING_PREFIX = 'b~';
export const bookingRowKey = (personId: string) => `${BOOKING_PREFIX}${safeKey(personId)}`;

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** Thrown when a conditional write lost a race (412/409): the caller re-reads and decides again. */
export class StaleWriteError extends Error {
  constructor() {
    super('stale write');
    this.name = 'StaleWriteError';
  }
}

function clean<T>(r: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'partitionKey' || k === 'rowKey' || k === 'timestamp' || k === 'odata.etag') continue;
    if (v === null || v === '') continue;
    out[k] = v;
  }
  return out as T;
}

export function sessionEntity(s: TrainingSession): Entity {
  const { etag: _e, ...rest } = s;
  return { partitionKey: s.id, rowKey: SESSION_ROW, kind: 'session', ...blankOptional(rest) };
}

export function bookingEntity(b: Booking): Entity {
  const { etag: _e, ...rest } = b;
  return { partitionKey: b.sessionId, rowKey: bookingRowKey(b.personId), kind: 'booking', ...blankOptional(rest) };
}

/** Replace-mode writes must clear fields that became unset, so undefined is written as ''. */
function blankOptional(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v === undefined ? '' : v;
  return out;
}

export type SessionWrite =
  | { op: 'createSession'; session: TrainingSession }
  | { op: 'updateSession'; session: TrainingSession }
  | { op: 'createBooking'; booking: Booking }
  | { op: 'updateBooking'; booking: Booking };

export class SessionStore {
  constructor(private readonly table: TableClient) {}

  async get(id: string): Promise<TrainingSession | undefined> {
    const r = await getOrUndefined<Record<string, unknown>>(this.table, id, SESSION_ROW);
    return r ? clean<TrainingSession>(r) : undefined;
  }

  async getBooking(sessionId: string, personId: string): Promise<Booking | undefined> {
    const r = await getOrUndefined<Record<string, unknown>>(this.table, sessionId, bookingRowKey(personId));
    return r ? clean<Booking>(r) : undefined;
  }

  /** Every booking row of one session (any status), wait list in order. */
  async bookings(sessionId: string): Promise<Booking[]> {
    const filter = `PartitionKey eq ${odataString(sessionId)} and RowKey ge '${BOOKING_PREFIX}' and RowKey lt 'b\u007f'`;
    const out: Booking[] = [];
    for await (const r of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) out.push(clean<Booking>(r));
    return out.sort((a, b) => (a.waitPosition ?? 0) - (b.waitPosition ?? 0) || a.bookedAt.localeCompare(b.bookedAt));
  }

  /** Sessions starting in [fromIso, toIso), any status unless given. */
  async listByStart(fromIso: string, toIso: string, status?: TrainingSession['status']): Promise<TrainingSession[]> {
    let filter = `RowKey eq '${SESSION_ROW}' and startUtc ge ${odataString(fromIso)} and startUtc lt ${odataString(toIso)}`;
    if (status) filter += ` and status eq ${odataString(status)}`;
    const out: TrainingSession[] = [];
    for await (const r of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) out.push(clean<TrainingSession>(r));
    return out.sort((a, b) => a.startUtc.localeCompare(b.startUtc) || a.courseName.localeCompare(b.courseName));
  }

  /**
   * Applies writes to one session's partition atomically. Updates are conditional on the ETag each
   * record was read with, creates fail if the row exists; either way the whole transaction is refused
   * and a StaleWriteError thrown, so the caller re-reads and decides again.
   */
  async commit(sessionId: string, writes: SessionWrite[]): Promise<void> {
    const actions: TransactionAction[] = writes.map((w) => {
      switch (w.op) {
        case 'createSession':
          return ['create', sessionEntity(w.session)];
        case 'updateSession':
          return ['update', sessionEntity(w.session), 'Replace', { etag: w.session.etag }];
        case 'createBooking':
          return ['create', bookingEntity(w.booking)];
        case 'updateBooking':
          return ['update', bookingEntity(w.booking), 'Replace', { etag: w.booking.etag }];
      }
    });
    for (const a of actions) if ((a[1] as Entity).partitionKey !== sessionId) throw new Error('writes span partitions');
    try {
      if (actions.length === 1) {
        const [kind, entity, , opts] = actions[0] as [string, Entity, string?, { etag?: string }?];
        if (kind === 'create') await this.table.createEntity(entity);
        else await this.table.updateEntity(entity, 'Replace', { etag: opts?.etag });
      } else {
        await this.table.submitTransaction(actions);
      }
    } catch (e) {
      if (isPreconditionFailed(e) || isConflict(e) || isNotFound(e) || isBatchConflict(e)) throw new StaleWriteError();
      throw e;
    }
  }
}

function isBatchConflict(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  return /UpdateConditionNotSatisfied|ConditionNotMet|EntityAlreadyExists/i.test(code) || /UpdateConditionNotSatisfied|EntityAlreadyExists/.test(String((e as Error)?.message));
}

/** Person index (Bookings table: partition = person, row = session): what `my training` reads first. */
export class BookingIndex {
  constructor(private readonly table: TableClient) {}

  async put(personId: string, sessionId: string, status: Booking['status'], startUtc: string): Promise<void> {
    await this.table.upsertEntity({ partitionKey: safeKey(personId), rowKey: sessionId, status, startUtc }, 'Replace');
  }

  async sessionIds(personId: string): Promise<string[]> {
    const out: string[] = [];
    const filter = `PartitionKey eq ${odataString(safeKey(personId))}`;
    for await (const r of this.table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) out.push(r.rowKey as string);
    return out;
  }
}
