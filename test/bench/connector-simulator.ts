import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimulatorOptions {
  /** Requests per second allowed for the app across all conversations (a 1-second sliding window). */
  ratePerSecond: number;
  /** Share of requests answered 503 (after the rate check). */
  failureRate?: number;
  /** Seconds in the Retry-After header of a 429. */
  retryAfterSeconds?: number;
  random?: () => number;
  /** Called with the running count each time a fan-out message is accepted, before it is answered (a test's cue). */
  onAccepted?: (accepted: number) => void;
}

/** One activity the bot sent to a watched conversation (an admin's or a trainer's chat): kept whole. */
export interface WatchedActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** The id this connector gave it (POST) or the id updated (PUT). */
  id: string;
  /** For a reply: the activity replied to. */
  replyToId?: string;
  body: Record<string, any>;
  at: number;
}

/**
 * Plays the Bot Connector (Teams) for benchmarks and fault tests, and counts what it receives itself:
 *
 * - the app's rate limit: more than `ratePerSecond` requests in a sliding second get 429 with Retry-After, and
 *   every request inside an open Retry-After window gets 429 too (counted as `insideRetryAfter`);
 * - `failureRate` of the rest get 503; conversations in `gone` answer 404 ConversationNotFound, in `blocked`
 *   403 ConversationBlockedByUser;
 * - `POST /v3/conversations` creates a 1:1 chat again (a new id per user), unless the user is in `cannotCreate`;
 * - it records every accepted message per conversation, so duplicates and missing recipients are measured
 *   outside the bot, and the arrival time of every request, for the busiest second.
 */
export class ConnectorSimulator {
  /** Accepted messages (POSTs) per conversation id, watched ones included. */
  readonly delivered = new Map<string, number>();
  /** performance.now() of each accepted message to a conversation that is not watched. */
  readonly acceptedAt: number[] = [];
  /** The id given to each accepted message to a conversation that is not watched, with its conversation. */
  readonly acceptedIds = new Map<string, string>();
  /** performance.now() of every request (answered or not). */
  readonly arrivals: number[] = [];
  readonly watched: WatchedActivity[] = [];
  readonly gone = new Set<string>();
  readonly blocked = new Set<string>();
  readonly cannotCreate = new Set<string>();
  /** User id → the id of the chat created for them again. */
  readonly created = new Map<string, string>();
  count429 = 0;
  count503 = 0;
  count404 = 0;
  count403 = 0;
  insideRetryAfter = 0;
  requests = 0;
  /** performance.now() of the first accepted message to an unwatched conversation. */
  firstAcceptedAt?: number;
  private readonly watching = new Set<string>();
  private readonly window: number[] = [];
  private head = 0;
  private openUntil = 0;
  private server?: http.Server;
  private seq = 0;
  url = '';

  constructor(private opts: SimulatorOptions) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** Changes the limits (e.g. no limit while users subscribe, then Teams' limit for the measured part). */
  configure(opts: Partial<SimulatorOptions>): void {
    this.opts = { ...this.opts, ...opts };
  }

  /** Keeps the whole bodies of what is sent to this conversation (an admin's chat, to read cards from). */
  watch(conversationId: string): void {
    this.watching.add(conversationId);
  }

  /** Forgets the counters (after setup), keeping watched activities and conversations' state. */
  resetCounters(): void {
    this.delivered.clear();
    this.acceptedAt.length = 0;
    this.acceptedIds.clear();
    this.arrivals.length = 0;
    this.count429 = this.count503 = this.count404 = this.count403 = this.insideRetryAfter = this.requests = 0;
    this.firstAcceptedAt = undefined;
  }

  get accepted(): number {
    return this.acceptedAt.length;
  }

  /** Most requests that arrived within any `ms` window. */
  busiest(ms = 1000): number {
    let best = 0;
    let lo = 0;
    for (let hi = 0; hi < this.arrivals.length; hi++) {
      while (this.arrivals[hi] - this.arrivals[lo] >= ms) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  /** Longest gap between two accepted messages after `from` (performance.now()), in ms: a takeover shows as one. */
  longestGapAfter(from: number): number {
    const after = this.acceptedAt.filter((t) => t >= from);
    let gap = after.length ? after[0] - from : 0;
    for (let i = 1; i < after.length; i++) gap = Math.max(gap, after[i] - after[i - 1]);
    return gap;
  }

  /** First accepted message at or after `from` (performance.now()). */
  firstAcceptedAfter(from: number): number | undefined {
    return this.acceptedAt.find((t) => t >= from);
  }

  /**
   * Duplicates (extra copies) and missing recipients among the expected ones: a recipient's messages count at
   * their conversation and at any chat created for them again.
   */
  tally(expected: { conversationId: string; userId?: string }[]): { sent: number; duplicates: number; missing: number; refound: number } {
    let duplicates = 0;
    let missing = 0;
    let sent = 0;
    let refound = 0;
    for (const e of expected) {
      const again = e.userId ? this.created.get(e.userId) : undefined;
      const atNew = again ? this.delivered.get(again) ?? 0 : 0;
      const c = (this.delivered.get(e.conversationId) ?? 0) + atNew;
      if (atNew) refound += 1;
      if (c === 0) missing += 1;
      else sent += 1;
      if (c > 1) duplicates += c - 1;
    }
    return { sent, duplicates, missing, refound };
  }

  private answer(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const create = req.method === 'POST' && /^\/v3\/conversations\/?$/.test(url);
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?\/?$/.exec(url);
      if (!create && (!m || (req.method !== 'POST' && req.method !== 'PUT'))) return this.answer(res, 404, { error: { code: 'NotFound' } });
      const now = performance.now();
      this.requests += 1;
      this.arrivals.push(now);

      // Retry-After is a promise: a request inside an open window is refused again (and counted).
      if (now < this.openUntil) {
        this.insideRetryAfter += 1;
        this.count429 += 1;
        return this.answer(res, 429, { error: { code: 'TooManyRequests' } }, { 'retry-after': String(Math.ceil((this.openUntil - now) / 1000)) });
      }
      while (this.head < this.window.length && this.window[this.head] <= now - 1000) this.head += 1;
      if (this.head > 10_000) {
        this.window.splice(0, this.head);
        this.head = 0;
      }
      if (this.window.length - this.head >= this.opts.ratePerSecond) {
        this.count429 += 1;
        const ra = this.opts.retryAfterSeconds ?? 1;
        this.openUntil = now + ra * 1000;
        return this.answer(res, 429, { error: { code: 'TooManyRequests' } }, { 'retry-after': String(ra) });
      }
      this.window.push(now);
      if ((this.opts.random ?? Math.random)() < (this.opts.failureRate ?? 0)) {
        this.count503 += 1;
        return this.answer(res, 503, { error: { code: 'ServiceUnavailable' } });
      }

      let body: Record<string, any> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        /* kept empty */
      }
      if (create) {
        const userId = body.members?.[0]?.id as string | undefined;
        if (!userId || body.members.length !== 1) return this.answer(res, 400, { error: { code: 'BadSyntax' } });
        if (this.cannotCreate.has(userId)) {
          this.count403 += 1;
          return this.answer(res, 403, { error: { code: 'BotNotInConversationRoster' } });
        }
        const id = this.created.get(userId) ?? `a:again-${userId}`;
        this.created.set(userId, id);
        return this.answer(res, 201, { id });
      }

      const conversationId = decodeURIComponent(m![1]);
      const pathId = m![2] ? decodeURIComponent(m![2]) : undefined;
      if (this.gone.has(conversationId)) {
        this.count404 += 1;
        return this.answer(res, 404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
      }
      if (this.blocked.has(conversationId)) {
        this.count403 += 1;
        return this.answer(res, 403, { error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } });
      }
      const id = req.method === 'PUT' ? pathId! : `sim-${++this.seq}`;
      const watched = this.watching.has(conversationId);
      if (watched) this.watched.push({ method: req.method as 'POST' | 'PUT', conversationId, id, replyToId: req.method === 'POST' ? pathId : undefined, body, at: Date.now() });
      if (req.method === 'POST' && body.type !== 'typing') {
        this.delivered.set(conversationId, (this.delivered.get(conversationId) ?? 0) + 1);
        // The timeline is of fan-out messages: a watched chat is an admin's or a trainer's (replies to them).
        if (!watched) {
          this.firstAcceptedAt ??= now;
          this.acceptedAt.push(now);
          this.acceptedIds.set(id, conversationId);
          this.opts.onAccepted?.(this.acceptedAt.length);
        }
      }
      return this.answer(res, req.method === 'PUT' ? 200 : 201, { id });
    });
  }
}
