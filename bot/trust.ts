import type { ConnectorClient } from 'botframework-connector';
import type { Activity, TurnContext } from 'botbuilder';
import { isLoopbackHost, type Config } from '../src/config';

/**
 * The trust boundary checks every turn passes: which hosts the bot may call (serviceUrl, file hosts), which
 * tenants may use it, and what a member lookup must show before someone counts as one of "us".
 */

/** True when `host` matches one of `patterns` (exact, or `*.example.com` for any subdomain of it). */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => {
    const pat = p.toLowerCase();
    return pat.startsWith('*.') ? h.endsWith(pat.slice(1)) && h.length > pat.length - 1 : h === pat;
  });
}

/**
 * A URL the bot may send to: https on an allowed host, or http/https on a loopback address that is listed or
 * (outside production) any loopback address. Anything else (cloud metadata, private ranges, other hosts, other
 * schemes, credentials in the URL) is refused.
 */
export function urlAllowed(raw: string | undefined, hosts: readonly string[], allowLoopback: boolean): boolean {
  if (!raw) return false;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host)) return (allowLoopback || hostMatches(host, hosts)) && (u.protocol === 'http:' || u.protocol === 'https:');
  return u.protocol === 'https:' && hostMatches(host, hosts);
}

export const serviceUrlAllowed = (url: string | undefined, config: Pick<Config, 'trust'>): boolean =>
  urlAllowed(url, config.trust.serviceUrlHosts, config.trust.allowLoopback);

export const fileUrlAllowed = (url: string | undefined, config: Pick<Config, 'trust'>): boolean =>
  urlAllowed(url, config.trust.fileHosts, config.trust.allowLoopback);

/** Every tenant id the activity names: the conversation's, channelData's, and the sender's own when Teams gives it. */
export function tenantIdsOf(a: Partial<Activity>): string[] {
  const ids = [
    a.conversation?.tenantId,
    (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id,
    (a.from as { tenantId?: unknown } | undefined)?.tenantId,
  ];
  return [...new Set(ids.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.toLowerCase()))];
}

/** Undefined when the activity's tenant(s) are allowed; otherwise why not (for the log, never shown). */
export function tenantProblem(a: Partial<Activity>, config: Pick<Config, 'trust'>): string | undefined {
  const allowed = config.trust.allowedTenantIds;
  if (allowed.length === 0) return undefined;
  const ids = tenantIdsOf(a);
  if (ids.length === 0) return 'no tenant';
  return ids.every((id) => allowed.includes(id)) ? undefined : 'tenant not allowed';
}

export const OUTSIDE_TENANT_LINE =
  'Sorry, this assistant is only for organisations in the Coventry Safeguarding Children Partnership, so I cannot help here. If a child is in immediate danger, call 999.';

/** Teams' kind of channel (channelData.channel.type): private and shared channels have their own member lists. */
export function channelTypeOf(a: Partial<Activity>): 'standard' | 'private' | 'shared' | undefined {
  const t = (a.channelData as { channel?: { type?: unknown } } | undefined)?.channel?.type;
  return t === 'standard' || t === 'private' || t === 'shared' ? t : undefined;
}

/** What Teams' roster says about one member (TeamsChannelAccount). */
export interface RosterMember {
  id?: string;
  aadObjectId?: string;
  tenantId?: string;
  userRole?: string;
}

/** The turn's connector client (the one botbuilder made for this activity's serviceUrl). */
export function connectorOf(ctx: TurnContext): ConnectorClient {
  const key = (ctx.adapter as unknown as { ConnectorClientKey: symbol }).ConnectorClientKey;
  const client = ctx.turnState.get(key) as ConnectorClient | undefined;
  if (!client) throw new Error('no connector client in this turn');
  return client;
}

/**
 * One member of a conversation (a team, or a private or shared channel) from the Bot Connector:
 * `GET /v3/conversations/{id}/members/{userId}`; undefined when Teams says they are not in it (404/403).
 */
export async function rosterMember(ctx: TurnContext, conversationId: string, userId: string): Promise<RosterMember | undefined> {
  try {
    return (await connectorOf(ctx).conversations.getConversationMember(conversationId, userId)) as RosterMember;
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    if (status === 404 || status === 403) return undefined;
    throw e;
  }
}

/**
 * Whether a roster entry is one of the partnership's own people: not a guest or anonymous user, and (when Teams
 * names their home tenant) from an allowed tenant. External people in shared channels carry their own tenant.
 */
export function memberTrusted(m: RosterMember | undefined, config: Pick<Config, 'trust'>): boolean {
  if (!m) return false;
  const role = (m.userRole ?? '').toLowerCase();
  if (role === 'guest' || role === 'anonymous') return false;
  const allowed = config.trust.allowedTenantIds;
  return !m.tenantId || allowed.length === 0 || allowed.includes(m.tenantId.toLowerCase());
}
