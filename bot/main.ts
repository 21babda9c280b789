import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { appVersion, type Config } from '../src/config';
import { systemClock, type Clock } from '../src/clock';
import { createLogger, type Logger } from '../src/logger';
import { createTables } from '../src/storage/tables';
import { createConversationStore } from '../src/conversations/conversation.store';
import { createRoleService } from '../src/roles/role.service';
import { createDeliveryEngine } from '../src/delivery/delivery.engine';
import { RateBudget } from '../src/delivery/rate-budget';
import { JOURNAL_KEEP_MS, pruneJournals, SentJournal } from '../src/delivery/sent-journal';
import { WriteQueue } from '../src/storage/write-queue';
import { createAdapter } from './adapter';
import { createApp } from './app';
import type { BotDeps, FeatureModule } from './deps';
import type { Notifier } from '../src/delivery/notifier';
import { featureFactories } from './features';
import { createProactiveSender } from './proactive-sender';
import { createServer } from './server';

export interface RunningBot {
  port: number;
  /** The address the server listens on (loopback unless authentication is on, or explicitly allowed). */
  host: string;
  /** Every typed command, card-submit verb and Action.Execute verb the bot answers (for the refusal tests). */
  routes: { commands: string[]; submits: string[]; executes: string[] };
  deps: BotDeps;
  /** This process among the app's instances (lease owner, outbox worker, rate share). */
  instanceId: string;
  /** This instance's share of the app's proactive-message budget. */
  rateBudget: RateBudget;
  /** The production sender itself (one request per call, no pacing, no retries); everything else uses deps.notifier. */
  sender: Notifier;
  /** Stops schedulers, waits for in-flight sends (bounded), closes the server. Storage is left running. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Don't start background schedulers (tests drive ticks themselves). */
  noSchedulers?: boolean;
}

/** Documents in the live search index (the knowledge feature's count; 0 before it has loaded). */
function indexedDocuments(deps: BotDeps): number {
  const knowledge = deps.features.knowledge as { documentCount(): number } | undefined;
  return knowledge?.documentCount() ?? 0;
}

/** Semantic retrieval's progress, when an embeddings model is configured. */
function semanticStatus(deps: BotDeps): object | undefined {
  const knowledge = deps.features.knowledge as { semanticStatus?(): object | undefined } | undefined;
  return knowledge?.semanticStatus?.();
}

/** Builds every dependency against storage, starts the HTTP server, and returns a handle to stop it. */
export async function startBot(config: Config, opts: StartOptions = {}): Promise<RunningBot> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  if (!config.storage.connectionString) throw new Error('No storage connection string: npm start provides Azurite, or set AZURE_STORAGE_CONNECTION_STRING');
  const tables = createTables(config.storage.connectionString, config.storage.tablePrefix);
  await tables.ensureAll();

  const adapter = createAdapter(config, logger);
  const sender = createProactiveSender(adapter, config.auth.appId ?? '');
  // Unique among live instances (host and process); leases and claims are short, so a restart takes over in seconds.
  const instanceId = `${hostname().replace(/[^A-Za-z0-9-]/g, '').slice(0, 40) || 'host'}-${process.pid}-${Date.now().toString(36)}`;
  // One journal folder per table prefix, so deployments (and test runs) sharing a disk never read each other's sends.
  const journal = new SentJournal(join(config.delivery.journalDir, config.storage.tablePrefix), instanceId, logger);
  pruneJournals(config.delivery.journalDir, JOURNAL_KEEP_MS, Date.now());
  const delivery = createDeliveryEngine({ tables, notifier: sender, clock, logger, ratePerSecond: config.delivery.ratePerSecond, workerId: instanceId, journal });
  const rateBudget = new RateBudget({ table: tables.client('RateShares'), instanceId, totalPerSecond: config.delivery.ratePerSecond, limiter: delivery.limiter, clock: systemClock, logger });
  await rateBudget.start();
  const load = { active: 0 };
  const deps: BotDeps = {
    config,
    logger,
    clock,
    tables,
    conversations: createConversationStore(tables, clock),
    notifier: delivery.notifier,
    delivery,
    // Written after the answer, and while people are being answered, held (up to 2 s) so they get the CPU first.
    bookkeeping: new WriteQueue({ logger, holdWhile: () => load.active > 0 }),
    roles: createRoleService(config, tables, clock),
    features: {},
  };
  const modules: FeatureModule[] = [];
  for (const factory of featureFactories) modules.push(await factory(deps));
  const app = createApp({ deps, modules });

  const server = createServer({
    config,
    logger,
    adapter,
    app,
    health: { storageReachable: () => tables.ping(), documentCount: () => indexedDocuments(deps), semantic: () => semanticStatus(deps), version: appVersion() },
    load,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.bindHost, () => resolve());
  });
  const { port, address: host } = server.address() as AddressInfo;
  logger.info({ port, host, instanceId, version: appVersion(), auth: config.auth.enabled ? 'on' : 'off', tenants: config.trust.allowedTenantIds.length || 'any' }, 'bot listening');
  if (!opts.noSchedulers) for (const m of modules) await m.start?.();

  let stopped = false;
  const routes = {
    commands: modules.flatMap((m) => (m.commands ?? []).map((c) => c.name)),
    submits: modules.flatMap((m) => (m.submits ?? []).map((s) => s.verb)),
    executes: modules.flatMap((m) => m.executeVerbs ?? []),
  };
  return {
    port,
    host,
    routes,
    deps,
    instanceId,
    rateBudget,
    sender,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const m of modules) await m.stop?.();
      // Let in-flight proactive sends finish (bounded) so no outbox row is left half-way.
      const deadline = Date.now() + 10_000;
      while (sender.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const left = await deps.bookkeeping.drain(Math.max(1000, deadline - Date.now()));
      if (left) logger.warn({ left }, 'bookkeeping writes not finished at stop');
      // Last: the other instances take this one's share of the rate budget at once.
      await rateBudget.stop();
      journal.close();
      logger.info('bot stopped');
    },
  };
}
