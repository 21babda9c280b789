import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock';
import type { DeliveryTarget } from '../delivery/notifier';
import type { Tables } from '../storage/tables';
import { getOrUndefined, safeKey } from '../storage/tables';
import type { ConversationRecord } from './conversation.types';

export interface ConversationStore {
  /** Inserts or refreshes the reference (merge: a later message never loses earlier fields). */
  upsert(record: Omit<ConversationRecord, 'lastSeen'>): Promise<void>;
  get(kind: ConversationRecord['kind'], key: string): Promise<ConversationRecord | undefined>;
  /** The delivery target for a stored conversation, or undefined when the bot never met it. */
  target(kind: ConversationRecord['kind'], key: string): Promise<DeliveryTarget | undefined>;
}

type Row = Omit<ConversationRecord, 'key'> & { partitionKey: string; rowKey: string; key: string };

/** A person's target carries their Teams user id, so a chat that is gone can be created again. */
export function toTarget(r: Pick<ConversationRecord, 'conversationId' | 'serviceUrl' | 'tenantId' | 'channelId' | 'kind' | 'userId'>): DeliveryTarget {
  return { conversationId: r.conversationId, serviceUrl: r.serviceUrl, tenantId: r.tenantId, channelId: r.channelId, ...(r.kind === 'user' && r.userId ? { userId: r.userId } : {}) };
}

export function createConversationStore(tables: Tables, clock: Clock): ConversationStore {
  const table: TableClient = tables.client('Conversations');
  const strip = (row: Row): ConversationRecord => {
    const { partitionKey: _p, rowKey: _r, ...rest } = row as Row & { etag?: string; timestamp?: string };
    delete (rest as { etag?: string }).etag;
    delete (rest as { timestamp?: string }).timestamp;
    return rest as ConversationRecord;
  };
  return {
    async upsert(record) {
      const entity: Record<string, unknown> = {
        partitionKey: record.kind,
        rowKey: safeKey(record.key),
        lastSeen: clock.now().toISOString(),
      };
      for (const [k, v] of Object.entries(record)) if (v !== undefined) entity[k] = v;
      await table.upsertEntity(entity as Row, 'Merge');
    },
    async get(kind, key) {
      const row = await getOrUndefined<Row>(table, kind, safeKey(key));
      return row ? strip(row) : undefined;
    },
    async target(kind, key) {
      const r = await this.get(kind, key);
      return r ? toTarget(r) : undefined;
    },
  };
}
