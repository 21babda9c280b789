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
}

/**
 * A local HTTP server playing the Bot Connector (the activity's serviceUrl): records every message the bot
 * sends or updates, and can answer with scripted failures.
 */
export class CaptureConnector {
  readonly activities: CapturedActivity[] = [];
  /** Roster answers: conversation (team or channel) id → member id (Teams user id) → member (TeamsChannelAccount). */
  readonly members = new Map<string, Map<string, Record<string, unknown>>>();
  /** 1:1 chats the bot asked Teams to create (`POST /v3/conversations`), with what it asked. */
  readonly created: { id: string; body: Record<string, any> }[] = [];
  /** When false, `POST /v3/conversations` answers 403 (the app is not installed for that person). */
  allowCreate = true;
  /** Every request, as "METHOD /path" (decoded), to count what the bot asked of the connector. */
  readonly requests: string[] = [];
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

  /** Forgets captured activities and any scripted failures not yet used. */
  clear(): void {
    this.activities.length = 0;
    this.requests.length = 0;
    this.created.length = 0;
    this.failures = [];
  }

  /** Teams' roster lists `member` (with `id`, `aadObjectId` and optionally `tenantId`, `userRole`) in `conversationId`. */
  addMember(conversationId: string, member: Record<string, unknown> & { id: string }): void {
    const m = this.members.get(conversationId) ?? new Map();
    m.set(member.id, member);
    if (typeof member.aadObjectId === 'string') m.set(member.aadObjectId, member);
    this.members.set(conversationId, m);
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
      this.requests.push(`${req.method} ${decodeURIComponent(req.url ?? '')}`);
      const roster = /\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/.exec(req.url ?? '');
      if (req.method === 'GET' && roster) {
        const member = this.members.get(decodeURIComponent(roster[1]))?.get(decodeURIComponent(roster[2]));
        res.writeHead(member ? 200 : 404, { 'content-type': 'application/json' });
        res.end(member ? JSON.stringify(member) : '{"error":{"code":"MemberNotFoundInConversation"}}');
        return;
      }
      if (req.method === 'POST' && /\/v3\/conversations\/?(\?.*)?$/.test(req.url ?? '')) {
        if (!this.allowCreate) {
          res.writeHead(403, { 'content-type': 'application/json' });
          res.end('{"error":{"code":"BotNotInConversationRoster"}}');
          return;
        }
        let body: Record<string, any> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          /* recorded as empty */
        }
        const id = `a:created-${++this.seq}`;
        this.created.push({ id, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id }));
        return;
      }
      // Any path prefix before /v3/ (a serviceUrl may carry one, e.g. the Playground's /_connector).
      const m = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
        return;
      }
      const conversationId = decodeURIComponent(m[1]);
      const activityId = m[2] ? decodeURIComponent(m[2]) : undefined;
      const failure = this.failures.find((f) => !f.conversationId || f.conversationId === conversationId);
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
        res.writeHead(failure.status, { 'content-type': 'application/json', ...(failure.headers ?? {}) });
        res.end('{"error":{"code":"Scripted"}}');
        return;
      }
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        /* recorded as empty */
      }
      const id = req.method === 'PUT' ? activityId! : `act-${++this.seq}`;
      this.activities.push({ method: req.method as 'POST' | 'PUT', conversationId, activityId, id, body, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    });
  }
}
