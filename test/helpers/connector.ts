import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** For a reply: the activity replied to; for an update: the activity replaced. */
  activityId?: string;
  /** The id this fake connector assigned (POST) or the updated id (PUT). */
  id: string;
  body: Record<string, any>;
  at: number;
}

/** A scripted answer for the next matching request, e.g. a 429 with Retry-After or a 403. */
export interface ScriptedFailure {
  conversationId?: string;
  status: number;
  headers?: Record<string, string>;
  times?: number;
  /** The connector's error code in the body (`ConversationNotFound`, `ConversationBlockedByUser`…). */
  code?: string;
}

/** A 1:1 chat created by the bot (POST /v3/conversations), with what it asked for. */
export interface CreatedConversation {
  userId: string;
  tenantId?: string;
  id: string;
  at: number;
  body: Record<string, any>;
}

/**
 * A local HTTP server playing the Bot Connector (the activity's serviceUrl): records every message the bot
 * sends or updates, and can answer with scripted failures.
 */
export class CaptureConnector {
  readonly activities: CapturedActivity[] = [];
  /** Every request to a conversation's activities, answered or failed: what the connector saw. */
  readonly requests: { method: string; conversationId: string; status: number; at: number }[] = [];
  /** Chats the bot created again (createConversation), in order. */
  readonly created: CreatedConversation[] = [];
  /** Conversations that no longer exist: every request to them answers 404 ConversationNotFound. */
  readonly gone = new Set<string>();
  /** Users for whom creating a chat fails (403: they no longer have the app). */
  readonly cannotCreate = new Set<string>();
  /** When false, creating any chat answers 403 (the app is not installed for anyone asked about). */
  allowCreate = true;
  /** Roster answers: conversation (team or channel) id → member id (Teams user id) → member (TeamsChannelAccount). */
  readonly members = new Map<string, Map<string, Record<string, unknown>>>();
  /** Every request of any kind, as "METHOD /path" (decoded), to count what the bot asked of the connector. */
  readonly paths: string[] = [];
  /** Called for every activity recorded (a benchmark waits on it instead of polling). */
  onActivity?: (a: CapturedActivity) => void;
  private server?: http.Server;
  private failures: ScriptedFailure[] = [];
  private seq = 0;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  fail(f: ScriptedFailure): void {
    this.failures.push({ times: 1, ...f });
  }

  /** Forgets captured activities, created chats and any scripted failures not yet used. */
  clear(): void {
    this.activities.length = 0;
    this.requests.length = 0;
    this.paths.length = 0;
    this.created.length = 0;
    this.gone.clear();
    this.cannotCreate.clear();
    this.failures = [];
  }

  /** Teams' roster lists `member` (with `id`, `aadObjectId` and optionally `tenantId`, `userRole`) in `conversationId`. */
  addMember(conversationId: string, member: Record<string, unknown> & { id: string }): void {
    const m = this.members.get(conversationId) ?? new Map();
    m.set(member.id, member);
    if (typeof member.aadObjectId === 'string') m.set(member.aadObjectId, member);
    this.members.set(conversationId, m);
  }

  /** Requests (answered or failed) that reached one conversation. */
  requestsTo(conversationId: string): { method: string; conversationId: string; status: number; at: number }[] {
    return this.requests.filter((r) => r.conversationId === conversationId);
  }

  /** Messages (not typing) sent to one conversation, in order. */
  messagesTo(conversationId: string): CapturedActivity[] {
    return this.activities.filter((a) => a.conversationId === conversationId && a.body.type === 'message');
  }

  /** Waits until `predicate` holds over the captured activities (proactive sends arrive asynchronously). */
  async waitFor(predicate: (all: CapturedActivity[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.activities)) {
      if (Date.now() > deadline) throw new Error(`connector: condition not met within ${timeoutMs} ms (${this.activities.length} captured)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      this.paths.push(`${req.method} ${decodeURIComponent(req.url ?? '')}`);
      const roster = /\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/.exec(req.url ?? '');
      if (req.method === 'GET' && roster) {
        const member = this.members.get(decodeURIComponent(roster[1]))?.get(decodeURIComponent(roster[2]));
        res.writeHead(member ? 200 : 404, { 'content-type': 'application/json' });
        res.end(member ? JSON.stringify(member) : '{"error":{"code":"MemberNotFoundInConversation"}}');
        return;
      }
      if (req.method === 'POST' && /\/v3\/conversations\/?(?:\?.*)?$/.test(req.url ?? '')) return this.create(chunks, res);
      // Any path prefix before /v3/ (a serviceUrl may carry one, e.g. the Playground's /_connector).
      const m = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
        return;
      }
      const conversationId = decodeURIComponent(m[1]);
      const activityId = m[2] ? decodeURIComponent(m[2]) : undefined;
      const failure = this.gone.has(conversationId) ? undefined : this.failures.find((f) => !f.conversationId || f.conversationId === conversationId);
      this.requests.push({ method: req.method, conversationId, status: this.gone.has(conversationId) ? 404 : failure ? failure.status : 200, at: Date.now() });
      if (this.gone.has(conversationId)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"ConversationNotFound","message":"Conversation not found."}}');
        return;
      }
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
        res.writeHead(failure.status, { 'content-type': 'application/json', ...(failure.headers ?? {}) });
        res.end(JSON.stringify({ error: { code: failure.code ?? 'Scripted' } }));
        return;
      }
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        /* recorded as empty */
      }
      const id = req.method === 'PUT' ? activityId! : `act-${++this.seq}`;
      const captured: CapturedActivity = { method: req.method as 'POST' | 'PUT', conversationId, activityId, id, body, at: Date.now() };
      this.activities.push(captured);
      this.onActivity?.(captured);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    });
  }

  /** createConversation: a 1:1 chat with the one member, a new id each time (as after a person deleted the chat). */
  private create(chunks: Buffer[], res: http.ServerResponse): void {
    let body: { members?: { id?: string }[]; tenantId?: string; isGroup?: boolean; [k: string]: unknown } = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      /* answered 400 below */
    }
    const userId = body.members?.[0]?.id;
    if (!userId || body.isGroup || body.members?.length !== 1) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"BadSyntax"}}');
      return;
    }
    if (this.cannotCreate.has(userId) || !this.allowCreate) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"BotNotInConversationRoster"}}');
      return;
    }
    const id = `a:recreated-${++this.seq}-${userId}`;
    this.created.push({ userId, tenantId: body.tenantId, id, at: Date.now(), body });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id }));
  }
}
