import type { TableClient } from '@azure/data-tables';
import type { DeliveryTarget } from '../delivery/notifier';
import { getOrUndefined, isNotFound, safeKey } from '../storage/tables';

export type SubscriberKind = 'user' | 'channel';

/** One subscriber: a person's 1:1 chat with the bot, or a team channel that gets one post per digest. */
export interface Subscription {
  kind: SubscriberKind;
  /** A person's Entra object id (or Teams user id), or a channel's conversation id. */
  key: string;
  /** Where the digest goes, captured at subscribe time so a fan-out needs no lookups. */
  target?: DeliveryTarget;
  subscribedAt: string;
  subscribedBy?: string;
}

/**
 * Where the lead's conversation store plugs in: finds the stored conversation reference of a person
 * or channel when a subscription row has none (subscribed by an admin, or the reference moved).
 */
export interface RecipientDirectory {
  lookup(kind: SubscriberKind, key: string): Promise<DeliveryTarget | undefined>;
  /** A person's chat was created again: store where they are now. */
  remember?(kind: SubscriberKind, key: string, target: DeliveryTarget): Promise<void>;
}

interface Row {
  key: string;
  conversationId?: string;
  serviceUrl?: string;
  tenantId?: string;
  channelId?: string;
  userId?: string;
  subscribedAt: string;
  subscribedBy?: string;
}

export interface SubscriptionPage {
  items: Subscription[];
  /** Pass back to get the next page; undefined on the last page. */
  continuationToken?: string;
}

/**
 * Table 'Subscriptions': partition 'user' or 'channel', row = the subscriber key. Listing one partition
 * page by page with continuation tokens keeps memory flat for 100,000 subscribers.
 */
export class SubscriptionStore {
  constructor(private readonly table: TableClient) {}

  /** Creates or refreshes the row (the target may have changed); `created` is false when it existed. */
  async subscribe(kind: SubscriberKind, key: string, target: DeliveryTarget | undefined, by: string | undefined, nowIso: string): Promise<{ created: boolean }> {
    const existing = await getOrUndefined<Row>(this.table, kind, safeKey(key));
    await this.table.upsertEntity(
      {
        partitionKey: kind,
        rowKey: safeKey(key),
        key,
        conversationId: target?.conversationId ?? existing?.conversationId,
        serviceUrl: target?.serviceUrl ?? existing?.serviceUrl,
        tenantId: target?.tenantId ?? existing?.tenantId,
        channelId: target?.channelId ?? existing?.channelId,
        userId: target?.userId ?? existing?.userId,
        subscribedAt: existing?.subscribedAt ?? nowIso,
        subscribedBy: existing?.subscribedBy ?? by,
      },
      'Replace',
    );
    return { created: !existing };
  }

  /** Removes the row; `removed` is false when there was none (unsubscribing twice is fine). */
  async unsubscribe(kind: SubscriberKind, key: string): Promise<{ removed: boolean }> {
    try {
      await this.table.deleteEntity(kind, safeKey(key));
      return { removed: true };
    } catch (e) {
      if (isNotFound(e)) return { removed: false };
      throw e;
    }
  }

  async get(kind: SubscriberKind, key: string): Promise<Subscription | undefined> {
    const row = await getOrUndefined<Row>(this.table, kind, safeKey(key));
    return row ? toSubscription(kind, row) : undefined;
  }

  async isSubscribed(kind: SubscriberKind, key: string): Promise<boolean> {
    return (await getOrUndefined<Row>(this.table, kind, safeKey(key))) !== undefined;
  }

  /** One page of subscribers of a kind, in key order. */
  async listPage(kind: SubscriberKind, opts: { pageSize?: number; continuationToken?: string } = {}): Promise<SubscriptionPage> {
    const pages = this.table
      .listEntities<Row>({ queryOptions: { filter: `PartitionKey eq '${kind}'` } })
      .byPage({ maxPageSize: Math.min(1000, Math.max(1, opts.pageSize ?? 1000)), continuationToken: opts.continuationToken });
    const next = await pages.next();
    if (next.done || !next.value) return { items: [] };
    const page = next.value;
    return { items: page.map((r) => toSubscription(kind, r as Row)), continuationToken: page.continuationToken };
  }

  /** Every subscriber of the given kinds, one page at a time. */
  async *pages(kinds: SubscriberKind[] = ['user', 'channel'], pageSize = 1000): AsyncGenerator<Subscription[]> {
    for (const kind of kinds) {
      let token: string | undefined;
      do {
        const page = await this.listPage(kind, { pageSize, continuationToken: token });
        if (page.items.length) yield page.items;
        token = page.continuationToken;
      } while (token);
    }
  }

  async count(kind: SubscriberKind): Promise<number> {
    let n = 0;
    for await (const page of this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${kind}'`, select: ['RowKey'] } }).byPage({ maxPageSize: 1000 })) {
      n += page.length;
    }
    return n;
  }
}

function toSubscription(kind: SubscriberKind, r: Row): Subscription {
  return {
    kind,
    key: r.key,
    target:
      r.conversationId && r.serviceUrl
        ? { conversationId: r.conversationId, serviceUrl: r.serviceUrl, tenantId: r.tenantId, channelId: r.channelId, ...(r.userId ? { userId: r.userId } : {}) }
        : undefined,
    subscribedAt: r.subscribedAt,
    subscribedBy: r.subscribedBy,
  };
}
