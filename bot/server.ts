import * as restify from 'restify';
import type { Activity } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Config } from '../src/config';
import type { Logger } from '../src/logger';
import type { GuardedAdapter } from './adapter';
import { serviceUrlAllowed } from './trust';

export interface HealthSource {
  storageReachable(): Promise<boolean>;
  documentCount(): Promise<number> | number;
  /** Semantic retrieval's progress (model, passages embedded, state) when an embeddings model is configured. */
  semantic?(): object | undefined;
  version: string;
}

export interface ServerOptions {
  config: Config;
  logger: Logger;
  adapter: GuardedAdapter;
  app: Application<TurnState>;
  health: HealthSource;
  /** Activities being processed right now (the bookkeeping queue holds its writes while people are answered). */
  load?: { active: number };
}

const JWT = /^Bearer ([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Bot Framework and Entra tokens are RS256 with a key id; anything else (alg "none", HMAC, no signature) is refused
 * here so it never reaches botbuilder's validator, which checks the signature against Microsoft's published keys.
 */
export function bearerTokenProblem(header: string | undefined): string | undefined {
  if (!header) return 'no token';
  const m = JWT.exec(header);
  if (!m) return 'malformed token';
  try {
    const h = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as { alg?: string; kid?: string };
    if (h.alg !== 'RS256' || !h.kid) return 'unsupported token algorithm';
  } catch {
    return 'malformed token header';
  }
  return undefined;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * How a failed token check is answered: 503 when the signing keys could not be fetched (the key service is
 * unreachable, answered with an error, or took longer than AUTH_TIMEOUT_MS), 401 for everything else (unknown
 * key id, bad signature, wrong issuer or audience, expired). The body never carries the reason.
 */
export function authFailureStatus(e: unknown): 401 | 503 {
  const err = e as { name?: string; code?: string; errno?: string; statusCode?: number; type?: string };
  if (err?.name === 'AuthTimeout' || err?.name === 'FetchError' || err?.name === 'AbortError') return 503;
  if (NETWORK_CODES.has(String(err?.code ?? err?.errno ?? ''))) return 503;
  // botbuilder's OpenIdMetadata throws an AuthenticationError (whose name stays 'Error') with status 500 when the
  // key documents fail to load; every other AuthenticationError carries 401.
  if (err?.statusCode === 500) return 503;
  return 401;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { name: 'AuthTimeout' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** botbuilder's own fix-ups (timestamps as dates), applied to the activity we pass it. */
function asActivity(body: Record<string, unknown>): Activity {
  const a = { ...body } as Record<string, unknown>;
  for (const k of ['timestamp', 'expiration', 'localTimestamp']) {
    if (typeof a[k] === 'string') {
      a[`raw${k[0].toUpperCase()}${k.slice(1)}`] = a[k];
      const d = new Date(a[k] as string);
      a[k] = Number.isNaN(d.getTime()) ? undefined : d;
    }
  }
  return a as unknown as Activity;
}

/** Shape checks that botbuilder would otherwise answer with a thrown ZodError (a 500) or a crash. */
function activityProblem(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body must be a JSON object (a Bot Framework activity)';
  const a = body as Record<string, unknown>;
  if (typeof a.type !== 'string' || !a.type) return 'activity has no type';
  if (!a.conversation || typeof (a.conversation as Record<string, unknown>).id !== 'string') return 'activity has no conversation.id';
  if (!a.from || typeof (a.from as Record<string, unknown>).id !== 'string') return 'activity has no from.id';
  if (typeof a.serviceUrl !== 'string' || !/^https?:\/\//.test(a.serviceUrl)) return 'activity has no valid serviceUrl';
  return undefined;
}

/** The restify server: Bot Framework endpoint, health, body limit, and one log line per request problem. */
export function createServer(opts: ServerOptions): restify.Server {
  const { config, logger, adapter, app, health } = opts;
  const server = restify.createServer({ name: 'cscp-bot', handleUncaughtExceptions: false } as restify.ServerOptions);
  server.use(restify.plugins.bodyParser({ maxBodySize: config.maxBodyBytes, mapParams: false, rejectUnknown: true } as never));

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, cb: () => void) => {
    logger.warn({ method: req.method, url: req.url, status: err.statusCode, err: err.name }, 'request rejected');
    cb();
  });

  server.post('/api/messages', async (req, res) => {
    const reply = (status: number, body: Record<string, unknown>) => {
      res.status(status);
      res.json(body);
    };
    const authHeader = String(req.headers.authorization ?? '');
    if (config.auth.enabled) {
      // Refuse unsigned or malformed tokens before any activity processing; signatures are then checked by botbuilder.
      const reason = bearerTokenProblem(authHeader || undefined);
      if (reason) {
        logger.warn({ url: req.url, reason }, 'unauthenticated request');
        return reply(401, { error: 'unauthorized' });
      }
    }
    const problem = activityProblem(req.body);
    if (problem) {
      logger.warn({ problem, type: (req.body as { type?: unknown })?.type }, 'bad activity');
      return reply(400, { error: problem });
    }
    const activity = asActivity(req.body as Record<string, unknown>);
    // Replies and proactive messages go to the serviceUrl with the bot's token: only Teams' connector hosts.
    if (!serviceUrlAllowed(activity.serviceUrl, config)) {
      logger.warn({ activityId: activity.id, type: activity.type }, 'refused: serviceUrl not allowed');
      return reply(403, { error: 'serviceUrl not allowed' });
    }
    let authResult: AuthenticateRequestResult;
    try {
      authResult = await withTimeout(adapter.authenticate(activity, authHeader), config.auth.timeoutMs);
    } catch (e) {
      const status = authFailureStatus(e);
      logger.warn({ activityId: activity.id, status, err: (e as Error)?.name }, status === 503 ? 'token could not be checked' : 'token refused');
      return reply(status, { error: status === 503 ? 'authentication service unavailable' : 'unauthorized' });
    }
    if (opts.load) opts.load.active += 1;
    try {
      const invoke = await adapter.runTurn(authResult, activity, async (ctx) => {
        await app.run(ctx);
      });
      if (res.headersSent) return;
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (e) {
      logger.error({ activityId: activity.id, err: (e as Error).name }, 'activity processing failed');
      if (!res.headersSent) reply(500, { error: 'internal error' });
    } finally {
      if (opts.load) opts.load.active -= 1;
    }
  });

  server.get('/healthz', async (_req, res) => {
    const storage = await health.storageReachable();
    let documents = 0;
    try {
      documents = await health.documentCount();
    } catch {
      /* counted as 0 when storage is down */
    }
    res.status(storage ? 200 : 503);
    const semantic = health.semantic?.();
    res.json({ status: storage ? 'ok' : 'degraded', storage: storage ? 'reachable' : 'unreachable', documents, ...(semantic ? { semantic } : {}), version: health.version, auth: config.auth.enabled ? 'on' : 'off' });
  });

  return server;
}
