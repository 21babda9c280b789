import { ActivityTypes, type TurnContext } from 'botbuilder';
import { MAX_BODY_CHARS } from '../src/digests/digest.store';
import type { BotDeps } from './deps';
import { createMessageRate, TOO_FAST_LINE } from './message-rate';
import { channelTypeOf, memberTrusted, OUTSIDE_TENANT_LINE, rosterMember, tenantProblem } from './trust';
import { personKeyOf } from './turn';

const CARD_ACTION = 'adaptiveCard/action';
const MEMBER_CACHE_MS = 10 * 60_000;

/** Card fields allowed past MAX_FIELD_CHARS, with their own limit: the newsletter pasted into `digest new`. */
const LONG_FIELDS: Record<string, Record<string, number>> = { digestCreate: { content: MAX_BODY_CHARS } };

/** The first field of a submitted card longer than the limit, if any (a field under its own limit passes). */
export function oversizedField(value: unknown, limit: number): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const data = (v.action as { data?: unknown } | undefined)?.data ?? v;
  if (!data || typeof data !== 'object') return undefined;
  const verb = String((data as Record<string, unknown>).verb ?? (v.action as { verb?: unknown } | undefined)?.verb ?? '');
  const own = LONG_FIELDS[verb] ?? {};
  const walk = (o: unknown, depth: number, key: string): string | undefined => {
    if (typeof o === 'string') return o.length > (own[key] ?? limit) ? key : undefined;
    if (!o || typeof o !== 'object' || depth > 4) return undefined;
    for (const [k, x] of Object.entries(o as Record<string, unknown>)) {
      const hit = walk(x, depth + 1, k);
      if (hit) return hit;
    }
    return undefined;
  };
  return walk(data, 0, '');
}

/**
 * The checks every incoming turn passes before anything is stored or answered: the person's tenant (and, in a
 * shared channel, their own tenant from the channel's member list), their message rate, and the length of each
 * card field. A refused turn gets at most one short line (an invoke gets its answer) and leaves nothing behind.
 */
export function createTurnGate(deps: BotDeps) {
  const { config, logger } = deps;
  const rate = createMessageRate(config.limits.messagesPerMinute);
  const members = new Map<string, { ok: boolean; at: number }>();

  async function answer(ctx: TurnContext, line: string, invokeStatus: number): Promise<void> {
    const a = ctx.activity;
    if (a.type === ActivityTypes.Invoke) {
      const value =
        a.name === CARD_ACTION
          ? { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: line } }
          : { status: invokeStatus, body: { error: line } };
      await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value });
      return;
    }
    await ctx.sendActivity(line);
  }

  /** In a shared channel, people from other organisations post with the host's tenant: ask the channel's roster. */
  async function sharedChannelMemberOk(ctx: TurnContext): Promise<boolean> {
    const a = ctx.activity;
    if (channelTypeOf(a) !== 'shared' || config.trust.allowedTenantIds.length === 0 || !a.from?.id) return true;
    const channel = (a.conversation?.id ?? '').split(';')[0];
    const key = `${channel}|${a.from.id}`;
    const now = deps.clock.now().getTime();
    const cached = members.get(key);
    if (cached && now - cached.at < MEMBER_CACHE_MS) return cached.ok;
    let ok = false;
    try {
      ok = memberTrusted(await rosterMember(ctx, channel, a.from.id), config);
    } catch (e) {
      logger.warn({ activityId: a.id, err: (e as Error).name }, 'shared channel member lookup failed');
      return false;
    }
    if (members.size > 20_000) members.clear();
    members.set(key, { ok, at: now });
    return ok;
  }

  return async function admit(ctx: TurnContext): Promise<boolean> {
    const a = ctx.activity;
    const speaks = a.type === ActivityTypes.Message || a.type === ActivityTypes.Invoke;
    const installed = a.type === ActivityTypes.ConversationUpdate && (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);

    const tenant = tenantProblem(a, config) ?? (speaks && !(await sharedChannelMemberOk(ctx)) ? 'external member' : undefined);
    if (tenant) {
      logger.info({ activityId: a.id, type: a.type, reason: tenant }, 'refused: outside the allowed tenants');
      if (speaks || installed) await answer(ctx, OUTSIDE_TENANT_LINE, 403);
      return false;
    }
    if (!speaks) return true;

    // Wall time, not the injectable clock: the limit is about how fast requests really arrive.
    const decision = rate.check(personKeyOf(ctx) || 'unknown', Date.now());
    if (decision !== 'allow') {
      logger.info({ activityId: a.id, user: a.from?.aadObjectId, told: decision === 'tell' }, 'refused: too many messages');
      if (decision === 'tell') await answer(ctx, TOO_FAST_LINE, 429);
      else if (a.type === ActivityTypes.Invoke) await answer(ctx, TOO_FAST_LINE, 429);
      return false;
    }

    const field = oversizedField(a.value, config.limits.fieldChars);
    if (field) {
      logger.info({ activityId: a.id, field: field.slice(0, 40) }, 'refused: card field too long');
      await answer(
        ctx,
        `Nothing was saved: one of the answers is longer than ${config.limits.fieldChars.toLocaleString('en-GB')} characters. Please shorten it and send the form again.`,
        413,
      );
      return false;
    }
    return true;
  };
}
