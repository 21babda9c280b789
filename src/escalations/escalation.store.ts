import type { TableClient } from '@azure/data-tables';
import { getOrUndefined, isConflict, safeKey, type Tables } from '../storage/tables';
import type { DeliveryTarget } from '../delivery/notifier';
import type { EscalationRecord, HistoryEntry } from './escalation.types';

/*
 * Layout. Escalations: one partition 'escalation' (a few hundred a year); RowKey = reference for
 * records, `sub~<submitter>~<submission id>` for idempotency markers. A record and its marker are
 * created in ONE entity-group transaction, so there is never a record without its marker or a marker
 * without its record. EscalationHistory: partition = reference, RowKey = zero-padded version, created
 * only (never updated): a 409 on a version means that entry is already there.
 */
const PK = 'escalation';
const RECORD_RANGE = `PartitionKey eq '${PK}' and RowKey ge 'ESC-' and RowKey lt 'ESC.'`;

export const markerKey = (submitterId: string, submissionId: string) => `sub~${safeKey(submitterId)}~${safeKey(submissionId)}`;
const versionKey = (v: number) => String(v).padStart(6, '0');

type Row = Record<string, unknown> & { etag?: string };

const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));
const parse = <T>(v: unknown): T | undefined => (typeof v === 'string' && v ? (JSON.parse(v) as T) : undefined);
const opt = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function toRow(r: EscalationRecord): Row {
  return {
    partitionKey: PK,
    rowKey: r.id,
    id: r.id,
    submissionId: r.submissionId,
    type: r.type,
    otherAgency: r.otherAgency,
    issue: r.issue,
    stageReached: r.stageReached,
    outcomeWanted: r.outcomeWanted,
    caseReference: r.caseReference ?? '',
    contactDetails: r.contactDetails,
    childSafeNow: r.childSafeNow,
    urgent: r.urgent,
    status: r.status,
    submitterAadId: r.submitter.aadObjectId,
    submitterName: r.submitter.name,
    submitterTarget: json(r.submitterTarget) ?? '',
    channelTarget: json(r.channelTarget) ?? '',
    channelActivityId: r.channelActivityId ?? '',
    assigneeAadId: r.assignee?.aadObjectId ?? '',
    assigneeName: r.assignee?.name ?? '',
    resolution: r.resolution ?? '',
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    acknowledgedAt: r.acknowledgedAt ?? '',
    resolvedAt: r.resolvedAt ?? '',
    version: r.version,
    lastAction: r.last.action,
    lastActorAadId: r.last.actor.aadObjectId,
    lastActorName: r.last.actor.name,
    lastAt: r.last.at,
    lastNote: r.last.note ?? '',
    lastShared: r.last.shared ?? '',
    reRaisedCount: r.reRaisedCount,
    lastReRaisedAt: r.lastReRaisedAt ?? '',
  };
}

export function fromRow(row: Row): EscalationRecord {
  const s = (k: string) => String(row[k] ?? '');
  return {
    id: s('id'),
    submissionId: s('submissionId'),
    type: s('type') as EscalationRecord['type'],
    otherAgency: s('otherAgency'),
    issue: s('issue'),
    stageReached: Number(row.stageReached),
    outcomeWanted: s('outcomeWanted'),
    caseReference: opt(row.caseReference),
    contactDetails: s('contactDetails'),
    childSafeNow: s('childSafeNow') === 'no' ? 'no' : 'yes',
    urgent: row.urgent === true,
    status: s('status') as EscalationRecord['status'],
    submitter: { aadObjectId: s('submitterAadId'), name: s('submitterName') },
    submitterTarget: parse<DeliveryTarget>(row.submitterTarget),
    channelTarget: parse<DeliveryTarget>(row.channelTarget),
    channelActivityId: opt(row.channelActivityId),
    assignee: opt(row.assigneeAadId) ? { aadObjectId: s('assigneeAadId'), name: s('assigneeName') } : undefined,
    resolution: opt(row.resolution),
    createdAt: s('createdAt'),
    updatedAt: s('updatedAt'),
    acknowledgedAt: opt(row.acknowledgedAt),
    resolvedAt: opt(row.resolvedAt),
    version: Number(row.version),
    last: {
      action: s('lastAction') as EscalationRecord['last']['action'],
      actor: { aadObjectId: s('lastActorAadId'), name: s('lastActorName') },
      at: s('lastAt'),
      note: opt(row.lastNote),
      ...(typeof row.lastShared === 'boolean' ? { shared: row.lastShared } : {}),
    },
    reRaisedCount: Number(row.reRaisedCount ?? 0),
    lastReRaisedAt: opt(row.lastReRaisedAt),
  };
}

export interface Stored {
  record: EscalationRecord;
  etag: string;
}

export interface EscalationStore {
  get(id: string): Promise<Stored | undefined>;
  /** The record an earlier arrival of this submission created, if any. */
  findBySubmission(submitterId: string, submissionId: string): Promise<EscalationRecord | undefined>;
  /** Creates record + idempotency marker atomically; returns false when the marker already existed. */
  createWithMarker(record: EscalationRecord): Promise<boolean>;
  /** ETag-conditional replace; throws the storage error (412 when someone else wrote first). */
  replace(record: EscalationRecord, etag: string): Promise<string>;
  list(filter?: string): Promise<EscalationRecord[]>;
  appendHistory(entry: HistoryEntry): Promise<void>;
  history(id: string): Promise<HistoryEntry[]>;
}

export function createEscalationStore(tables: Tables): EscalationStore {
  const esc = (): TableClient => tables.client('Escalations');
  const hist = (): TableClient => tables.client('EscalationHistory');

  return {
    async get(id) {
      const row = await getOrUndefined<Row>(esc(), PK, id);
      return row ? { record: fromRow(row), etag: row.etag } : undefined;
    },
    async findBySubmission(submitterId, submissionId) {
      const marker = await getOrUndefined<{ escalationId: string }>(esc(), PK, markerKey(submitterId, submissionId));
      if (!marker) return undefined;
      const row = await getOrUndefined<Row>(esc(), PK, marker.escalationId);
      return row ? fromRow(row) : undefined;
    },
    async createWithMarker(record) {
      const marker = {
        partitionKey: PK,
        rowKey: markerKey(record.submitter.aadObjectId, record.submissionId),
        escalationId: record.id,
        createdAt: record.createdAt,
      };
      try {
        await esc().submitTransaction([
          ['create', toRow(record) as { partitionKey: string; rowKey: string }],
          ['create', marker],
        ]);
        return true;
      } catch (e) {
        if (isConflict(e)) return false;
        throw e;
      }
    },
    async replace(record, etag) {
      const res = await esc().updateEntity(toRow(record) as { partitionKey: string; rowKey: string }, 'Replace', { etag });
      return res.etag ?? '';
    },
    async list(filter) {
      const out: EscalationRecord[] = [];
      const f = filter ? `${RECORD_RANGE} and (${filter})` : RECORD_RANGE;
      for await (const row of esc().listEntities<Row>({ queryOptions: { filter: f } })) out.push(fromRow(row));
      return out;
    },
    async appendHistory(entry) {
      try {
        await hist().createEntity({
          partitionKey: entry.escalationId,
          rowKey: versionKey(entry.version),
          escalationId: entry.escalationId,
          version: entry.version,
          action: entry.action,
          actorAadId: entry.actor.aadObjectId,
          actorName: entry.actor.name,
          at: entry.at,
          fromStatus: entry.fromStatus ?? '',
          toStatus: entry.toStatus,
          note: entry.note ?? '',
          shared: entry.shared ?? '',
        });
      } catch (e) {
        if (!isConflict(e)) throw e; // already recorded: history is append-only and idempotent per version
      }
    },
    async history(id) {
      const out: HistoryEntry[] = [];
      const iter = hist().listEntities<Row>({ queryOptions: { filter: `PartitionKey eq '${id.replace(/'/g, "''")}'` } });
      for await (const r of iter) {
        out.push({
          escalationId: String(r.escalationId),
          version: Number(r.version),
          action: r.action as HistoryEntry['action'],
          actor: { aadObjectId: String(r.actorAadId), name: String(r.actorName) },
          at: String(r.at),
          fromStatus: opt(r.fromStatus) as HistoryEntry['fromStatus'],
          toStatus: r.toStatus as HistoryEntry['toStatus'],
          note: opt(r.note),
          ...(typeof r.shared === 'boolean' ? { shared: r.shared } : {}),
        });
      }
      return out.sort((a, b) => a.version - b.version);
    },
  };
}
