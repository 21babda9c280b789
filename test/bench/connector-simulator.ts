import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimulatorOptions {
  /** Requests per second allowed across all conversations (a 1-second sliding window). */
  ratePerSecond: number;
  /** Share of requests answered 503 (after the rate check). */
  failureRate: number;
  /** Seconds in the Retry-After header of a 429. */
  retryAfterSeconds?: number;
  random?: () => number;
}

/**
 * Plays the Bot Connector for the benchmark: `POST /v3/conversations/:id/activities` accepts a message,
 * answers 429 with Retry-After when the global rate is exceeded, and 503 at random. It counts what it
 * accepted per conversation itself, so duplicates and missing messages are measured outside the engine.
 */
export class ConnectorSimulator {
  readonly delivered = new Map<string, number>();
  count429 = 0;
  count503 = 0;
  requests = 0;
  /** performance.now() of the first accepted message. */
  firstAcceptedAt?: number;
  private readonly window: number[] = [];
  private head = 0;
  private server?: http.Server;
  private seq = 0;
  url = '';

  constructor(private readonly opts: SimulatorOptions) {}

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

  get accepted(): number {
    let n = 0;
    for (const c of this.delivered.values()) n += c;
    return n;
  }

  /** Duplicates (extra copies) and missing conversations among the expected ids. */
  tally(expected: string[]): { sent: number; duplicates: number; missing: number } {
    let duplicates = 0;
    let missing = 0;
    let sent = 0;
    for (const id of expected) {
      const c = this.delivered.get(id) ?? 0;
      if (c === 0) missing += 1;
      else sent += 1;
      if (c > 1) duplicates += c - 1;
    }
    return { sent, duplicates, missing };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const m = /^\/v3\/conversations\/([^/]+)\/activities\/?$/.exec(req.url ?? '');
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || !m) {
        res.writeHead(404).end();
        return;
      }
      this.requests += 1;
      const now = performance.now();
      while (this.head < this.window.length && this.window[this.head] <= now - 1000) this.head += 1;
      if (this.head > 10_000) {
        this.window.splice(0, this.head);
        this.head = 0;
      }
      if (this.window.length - this.head >= this.opts.ratePerSecond) {
        this.count429 += 1;
        res.writeHead(429, { 'retry-after': String(this.opts.retryAfterSeconds ?? 1), 'content-type': 'application/json' });
        res.end('{"error":{"code":"TooManyRequests"}}');
        return;
      }
      this.window.push(now);
      if ((this.opts.random ?? Math.random)() < this.opts.failureRate) {
        this.count503 += 1;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"ServiceUnavailable"}}');
        return;
      }
      const id = decodeURIComponent(m[1]);
      this.firstAcceptedAt ??= now;
      this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sim-${++this.seq}` }));
    });
  }
}
