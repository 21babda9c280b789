import { createHash, randomUUID } from 'node:crypto';

/** A Teams user as the bot sees them: Teams user id, Entra object id, their 1:1 chat with the bot. */
export interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
  conversationId: string;
}

/** A stable user for index `n` of a population (`prefix` keeps populations apart). */
export function teamsUser(n: number | string, prefix = 'p'): TeamsUser {
  const h = createHash('sha256').update(`${prefix}-${n}`).digest('hex');
  const aad = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return { id: `29:${prefix}-${n}`, aadObjectId: aad, name: `User ${n}`, conversationId: `a:${prefix}-chat-${n}` };
}

/**
 * Sends activities to a bot's /api/messages as Teams would for a user's 1:1 chat, with `serviceUrl` pointing at
 * the local connector (the capture connector or the simulator).
 */
export class TeamsClient {
  constructor(
    readonly serviceUrl: string,
    readonly tenantId = 'tenant-1',
  ) {}

  private base(user: TeamsUser) {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: '28:bot', name: 'CSCP' },
      conversation: { id: user.conversationId, conversationType: 'personal', tenantId: this.tenantId },
      channelData: { tenant: { id: this.tenantId } },
      locale: 'en-GB',
    };
  }

  async post(botUrl: string, activity: Record<string, unknown>): Promise<number> {
    const res = await fetch(botUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await res.arrayBuffer();
    return res.status;
  }

  say(botUrl: string, user: TeamsUser, text: string): Promise<number> {
    return this.post(botUrl, { ...this.base(user), type: 'message', text });
  }

  submit(botUrl: string, user: TeamsUser, value: Record<string, unknown>, replyToId?: string): Promise<number> {
    return this.post(botUrl, { ...this.base(user), type: 'message', value, ...(replyToId ? { replyToId } : {}) });
  }
}

/** Every Action.* with `data.verb === verb` anywhere in a card (Submit, Execute and their fallbacks). */
export function actionsWithVerb(card: unknown, verb: string): { title?: string; data: Record<string, any> }[] {
  const out: { title?: string; data: Record<string, any> }[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (typeof n.type === 'string' && n.type.startsWith('Action.') && n.data?.verb === verb) out.push(n);
    for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}

/** The Adaptive Card of an activity body, if it carries one. */
export const cardOf = (body: Record<string, any> | undefined): any => body?.attachments?.[0]?.content;
