import type { Config } from '../config';
import type { Tables } from '../storage/tables';
import { getOrUndefined } from '../storage/tables';
import type { Clock } from '../clock';

export type Role = 'admin' | 'trainer' | 'escalation';

/**
 * Roles by Entra object id: from configuration, plus grants an admin made in Teams (rows in Settings).
 * Configuration can't be revoked from Teams, so a compromised admin chat can never lock out the configured admins.
 */
export interface RoleService {
  has(role: Role, aadObjectId: string | undefined): Promise<boolean>;
  grant(role: Role, aadObjectId: string, by: string): Promise<void>;
  revoke(role: Role, aadObjectId: string): Promise<void>;
  list(role: Role): Promise<{ id: string; source: 'config' | 'granted' }[]>;
}

/**
 * Person keys made from a Teams user id (a client without an Entra object id) start with this. Such a key
 * never holds a role: the Teams user id is whatever the client sent, so it cannot vouch for anyone.
 */
export const NON_ENTRA_PREFIX = 'teams:';

/** True when `id` may hold a role: present, and an Entra object id rather than a Teams user id key. */
export const canHoldRole = (id: string | undefined): id is string => Boolean(id) && !id!.toLowerCase().startsWith(NON_ENTRA_PREFIX);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isEntraObjectId = (s: string) => GUID.test(s);

export function createRoleService(config: Config, tables: Tables, clock: Clock): RoleService {
  const table = tables.client('Settings');
  const configured = (role: Role): string[] =>
    role === 'admin' ? config.roles.adminIds : role === 'trainer' ? config.roles.trainerIds : config.roles.escalationTeamIds;
  const partition = (role: Role) => `role-${role}`;
  return {
    async has(role, id) {
      if (!canHoldRole(id)) return false;
      const key = id.toLowerCase();
      if (configured(role).includes(key)) return true;
      return Boolean(await getOrUndefined(table, partition(role), key));
    },
    async grant(role, id, by) {
      await table.upsertEntity({ partitionKey: partition(role), rowKey: id.toLowerCase(), grantedBy: by, grantedAt: clock.now().toISOString() }, 'Replace');
    },
    async revoke(role, id) {
      try {
        await table.deleteEntity(partition(role), id.toLowerCase());
      } catch {
        /* not granted: nothing to revoke */
      }
    },
    async list(role) {
      const out: { id: string; source: 'config' | 'granted' }[] = configured(role).map((id) => ({ id, source: 'config' as const }));
      for await (const row of table.listEntities({ queryOptions: { filter: `PartitionKey eq '${partition(role)}'` } })) {
        if (!out.some((o) => o.id === row.rowKey)) out.push({ id: row.rowKey as string, source: 'granted' });
      }
      return out;
    },
  };
}
