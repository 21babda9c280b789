import * as restify from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Config } from '../src/config';
import type { Logger } from '../src/logger';

export interface HealthSource {
  storageReachable(): Promise<boolean>;
  documentCount(): Promise<number> | number;
  version: string;
}

export interface ServerOptions {
  config: Config;
  logger: Logger;
  adapter: CloudAdapter;
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
    if (config.auth.enabled) {
      // Refuse unsigned or malformed tokens before any activity processing; signatures are then checked by botbuilder.
      const reason = bearerTokenProblem(req.headers.authorization);
      if (reason) {
        logger.warn({ url: req.url, reason }, 'unauthenticated request');
        res.status(401);
        res.json({ error: 'unauthorized' });
        return;
      }
    }
    const problem = activityProblem(req.body);
    if (problem) {
      logger.warn({ problem, type: (req.body as { type?: unknown })?.type }, 'bad activity');
      res.status(400);
      res.json({ error: problem });
      return;
    }
    if (opts.load) opts.load.active += 1;
    try {
      await adapter.process(req, res, async (ctx) => {
        await app.run(ctx);
      });
    } catch (e) {
      logger.error({ activityId: (req.body as { id?: string }).id, err: (e as Error).name }, 'activity processing failed');
      if (!res.headersSent) {
        res.status(500);
        res.json({ error: 'internal error' });
      }
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
    res.json({ status: storage ? 'ok' : 'degraded', storage: storage ? 'reachable' : 'unreachable', documents, version: health.version, auth: config.auth.enabled ? 'on' : 'off' });
  });

  return server;
}
