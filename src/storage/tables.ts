import { TableClient, TableServiceClient, RestError } from '@azure/data-tables';

/** Every table the product uses; names are prefixed per deployment (and per test run). */
export const TABLE_NAMES = [
  'Conversations',
  'Documents',
  'Chunks',
  'Vectors',
  'AnswerLog',
  'Feedback',
  'Subscriptions',
  'Digests',
  'Outbox',
  'Jobs',
  'Leases',
  'Courses',
  'Sessions',
  'Bookings',
  'SurveyLinks',
  'SurveyShares',
  'Escalations',
  'EscalationHistory',
  'Counters',
  'Idempotency',
  'AnswerMessages',
  'Settings',
  'RateShares',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export interface Tables {
  /** A client for one of the product's tables (the table must exist: see ensureAll). */
  client(name: TableName): TableClient;
  ensureAll(): Promise<void>;
  /** True when the storage account answers within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Drops every table with this prefix (tests only). */
  dropAll(): Promise<void>;
  readonly prefix: string;
}

export function createTables(connectionString: string, prefix: string): Tables {
  const clients = new Map<TableName, TableClient>();
  // Azurite speaks plain http on loopback; a real account is always https.
  const options = { allowInsecureConnection: /http:\/\//i.test(connectionString) || /UseDevelopmentStorage/i.test(connectionString) };
  const service = TableServiceClient.fromConnectionString(connectionString, options);
  const fullName = (name: TableName) => `${prefix}${name}`;

  return {
    prefix,
    client(name) {
      let c = clients.get(name);
      if (!c) {
        c = TableClient.fromConnectionString(connectionString, fullName(name), options);
        clients.set(name, c);
      }
      return c;
    },
    async ensureAll() {
      await Promise.all(
        TABLE_NAMES.map(async (n) => {
          try {
            await service.createTable(fullName(n));
          } catch (e) {
            if (!isConflict(e)) throw e;
          }
        }),
      );
    },
    async ping(timeoutMs = 2000) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const iter = service.listTables({ abortSignal: controller.signal }).byPage({ maxPageSize: 1 });
        await iter.next();
        return true;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async dropAll() {
      await Promise.all(
        TABLE_NAMES.map(async (n) => {
          try {
            await service.deleteTable(fullName(n));
          } catch {
            /* already gone */
          }
        }),
      );
    },
  };
}

export function statusOf(e: unknown): number | undefined {
  if (e instanceof RestError) return e.statusCode;
  const s = (e as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}
export const isConflict = (e: unknown) => statusOf(e) === 409;
export const isPreconditionFailed = (e: unknown) => statusOf(e) === 412;
export const isNotFound = (e: unknown) => statusOf(e) === 404;

/** Reads one entity or returns undefined when it does not exist. */
export async function getOrUndefined<T extends object>(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<(T & { partitionKey: string; rowKey: string; etag: string }) | undefined> {
  try {
    return (await table.getEntity<T>(partitionKey, rowKey)) as T & { partitionKey: string; rowKey: string; etag: string };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Table keys may not contain / \ # ? or control characters; Teams ids contain ':' and '@' (allowed)
 * but channel ids can carry ';' and '/' in some forms, so keys derived from ids are made safe here.
 */
export function safeKey(raw: string): string {
  return raw.replace(/[\\/#?\u0000-\u001f\u007f-\u009f]/g, (c) => `~${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Escapes a value for an OData filter string literal. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
