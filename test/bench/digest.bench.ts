/*
 * Delivery under faults, measured from outside: the real bot in processes of its own (test/helpers/bot-process.ts)
 * on Azurite, driven over HTTP as people use it (users type `subscribe`; an admin sends `digest new`, previews and
 * presses Send now; a trainer publishes a session, practitioners book, the trainer messages them), sending through
 * botbuilder's connector client to a Bot Connector simulator that enforces Teams' app-wide limit (429 with
 * Retry-After) and counts what it receives.
 *
 *   npm run bench:digest                                  every scenario (about 20 minutes on 2 cores)
 *   npm run bench:digest -- --scenario storm --json       one scenario, JSON lines only
 *   npm run bench:digest -- --scenario kill --kill-runs 20 --recipients 200
 *
 * Per scenario: delivered, missing, duplicates, seconds against the floor (recipients / rate), 429s received,
 * requests that arrived inside an open Retry-After, the busiest second, and takeover seconds (kill → next delivery).
 */
import { DateTime } from 'luxon';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { azuriteConnectionString } from '../../src/config';
import { DigestStore } from '../../src/digests/digest.store';
import type { DigestRecord } from '../../src/digests/digest.types';
import { createTables, type Tables } from '../../src/storage/tables';
import { BotProcess } from '../helpers/bot-process';
import { adminSendsDigest, book, cancelBooking, inParallel, newsletter, subscribeAll, trainerPublishesSession, waitUntil } from '../helpers/flows';
import { cardOf, TeamsClient, teamsUser, type TeamsUser } from '../helpers/teams-client';
import { ConnectorSimulator } from './connector-simulator';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite, freePort } = require('../../scripts/azurite.js') as {
  startAzurite(o: { port?: number; location?: string }): Promise<{ port: number; stop(): Promise<void> }>;
  freePort(): Promise<number>;
};

const SCENARIOS = ['none', 'kill', 'kill-restart', 'azurite', 'storm', 'gone', 'two-fanouts', 'reminders'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Args {
  scenarios: Scenario[];
  recipients: number;
  rate: number;
  killRuns: number;
  killRecipients: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { scenarios: [...SCENARIOS], recipients: 800, rate: 50, killRuns: 20, killRecipients: 200, json: false };
  for (let i = 0; i < argv.length; i++) {
    const next = () => argv[++i];
    switch (argv[i]) {
      case '--scenario':
        a.scenarios = next().split(',') as Scenario[];
        break;
      case '--recipients':
        a.recipients = Number(next());
        break;
      case '--rate':
        a.rate = Number(next());
        break;
      case '--kill-runs':
        a.killRuns = Number(next());
        break;
      case '--kill-recipients':
        a.killRecipients = Number(next());
        break;
      case '--json':
        a.json = true;
        break;
    }
  }
  for (const s of a.scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; one of ${SCENARIOS.join(', ')}`);
  return a;
}

interface Result {
  scenario: string;
  recipients: number;
  delivered: number;
  missing: number;
  duplicates: number;
  seconds?: number;
  floorSeconds?: number;
  requests: number;
  received429: number;
  insideRetryAfter: number;
  busiestSecond: number;
  takeoverSeconds?: number;
  /** Anything else worth printing (refound, unreachable, lateness…). */
  notes?: Record<string, unknown>;
}

const args = parseArgs(process.argv.slice(2));
const log = (s: string) => !args.json && process.stderr.write(`${s}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const admin = teamsUser('admin', 'bench');
const trainer = teamsUser('trainer', 'bench');

/** What every scenario shares: Azurite on disk (so it can be restarted), a simulator, the bots it started. */
class Rig {
  bots: BotProcess[] = [];
  sim!: ConnectorSimulator;
  tables!: Tables;
  client!: TeamsClient;
  readonly prefix = `b${Date.now().toString(36)}`;

  constructor(
    readonly azurite: { port: number; stop(): Promise<void> },
    readonly env: Record<string, string> = {},
  ) {}

  async start(simOpts: ConstructorParameters<typeof ConnectorSimulator>[0]): Promise<this> {
    this.sim = await new ConnectorSimulator(simOpts).start();
    this.client = new TeamsClient(this.sim.url);
    this.tables = createTables(azuriteConnectionString(this.azurite.port), this.prefix);
    await this.tables.ensureAll();
    return this;
  }

  botEnv(): Record<string, string> {
    return {
      AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(this.azurite.port),
      TABLE_PREFIX: this.prefix,
      ADMIN_IDS: admin.aadObjectId,
      TRAINER_IDS: trainer.aadObjectId,
      DIGEST_RATE_PER_SECOND: String(args.rate),
      LOG_LEVEL: 'info',
      ...this.env,
    };
  }

  async bot(): Promise<BotProcess> {
    const b = await BotProcess.start(this.botEnv());
    this.bots.push(b);
    return b;
  }

  async stop(): Promise<void> {
    await Promise.all(this.bots.map((b) => b.kill9()));
    await this.sim.stop();
  }

  /** Users subscribe with the connector unlimited (setup is not measured), then the measured limits apply. */
  async subscribers(users: TeamsUser[], via: BotProcess): Promise<void> {
    await subscribeAll(this.client, via.url, users, 8);
  }

  measure(opts: { ratePerSecond: number; retryAfterSeconds?: number; failureRate?: number }): void {
    this.sim.resetCounters();
    this.sim.configure({ retryAfterSeconds: 1, failureRate: 0, ...opts });
  }

  async digestDone(id: string, timeoutMs = 300_000): Promise<DigestRecord> {
    const store = new DigestStore(this.tables.client('Digests'));
    let d: DigestRecord | undefined;
    await waitUntil(async () => (d = await store.get(id).catch(() => undefined))?.status === 'sent', timeoutMs, `digest ${id}`, 250);
    return d!;
  }

  result(scenario: string, users: TeamsUser[], extra: Partial<Result> = {}): Result {
    const t = this.sim.tally(users.map((u) => ({ conversationId: u.conversationId, userId: u.id })));
    const acc = this.sim.acceptedAt;
    const seconds = acc.length ? (acc[acc.length - 1] - acc[0]) / 1000 + 1 / args.rate : undefined;
    return {
      scenario,
      recipients: users.length,
      delivered: t.sent,
      missing: t.missing,
      duplicates: t.duplicates,
      seconds: seconds !== undefined ? round(seconds) : undefined,
      requests: this.sim.requests,
      received429: this.sim.count429,
      insideRetryAfter: this.sim.insideRetryAfter,
      busiestSecond: this.sim.busiest(1000),
      ...extra,
      notes: { ...(t.refound ? { refound: t.refound } : {}), ...extra.notes },
    };
  }
}

const population = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => teamsUser(i, prefix));

async function none(az: Rig['azurite']): Promise<Result> {
  const rig = await new Rig(az).start({ ratePerSecond: 100_000 });
  try {
    const bot = await rig.bot();
    const users = population(args.recipients, 'none');
    await rig.subscribers(users, bot);
    rig.measure({ ratePerSecond: args.rate });
    const { digestId } = await adminSendsDigest(rig.client, bot.url, rig.sim, admin, newsletter());
    await rig.digestDone(digestId);
    return rig.result('none', users, { floorSeconds: args.recipients / args.rate });
  } finally {
    await rig.stop();
  }
}

/** kill -9 of the sending instance at a random point between 20% and 80%; a second instance (or a restart) takes over. */
async function kill(az: Rig['azurite'], mode: 'standby' | 'restart', runs: number): Promise<Result> {
  const rig = await new Rig(az).start({ ratePerSecond: 100_000 });
  const runsOut: { takeover: number; duplicates: number; missing: number; fromJournal: number }[] = [];
  // Logged by the instance taking over for each row it found in the dead sender's journal (sent-journal.ts).
  const JOURNALLED = 'recorded as sent, not sent again';
  const totals = { requests: 0, received429: 0, insideRetryAfter: 0, busiest: 0 };
  try {
    const standby = mode === 'standby' ? await rig.bot() : undefined;
    standby?.watch(JOURNALLED);
    const users = population(args.killRecipients, `kill-${mode}`);
    if (standby) await rig.subscribers(users, standby);
    else {
      const setup = await rig.bot();
      await rig.subscribers(users, setup);
      await setup.stop();
      rig.bots = rig.bots.filter((b) => b !== setup);
    }
    for (let run = 1; run <= runs; run++) {
      const sender = await rig.bot();
      rig.measure({ ratePerSecond: args.rate });
      const { digestId } = await adminSendsDigest(rig.client, sender.url, rig.sim, admin, newsletter(`Kill run ${run}`));
      const at = Math.floor(users.length * (0.2 + Math.random() * 0.6));
      await waitUntil(() => rig.sim.accepted >= at, 120_000, 'the kill point', 5);
      // Then a random moment unrelated to any one message: killing as soon as a count is reached would always land
      // just after a message was accepted, i.e. inside the window this scenario measures.
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
      await sender.kill9();
      const killedAt = performance.now();
      const journalledBefore = standby?.seen(JOURNALLED) ?? 0;
      const taker = standby ?? (await rig.bot());
      if (!standby) taker.watch(JOURNALLED);
      await rig.digestDone(digestId);
      const fromJournal = taker.seen(JOURNALLED) - (standby ? journalledBefore : 0);
      const r = rig.result('kill', users);
      const takeover = ((rig.sim.firstAcceptedAfter(killedAt + 20) ?? killedAt) - killedAt) / 1000;
      runsOut.push({ takeover, duplicates: r.duplicates, missing: r.missing, fromJournal });
      totals.requests += r.requests;
      totals.received429 += r.received429;
      totals.insideRetryAfter += r.insideRetryAfter;
      totals.busiest = Math.max(totals.busiest, r.busiestSecond);
      log(`  kill run ${run}/${runs} at ${at}/${users.length}: takeover ${takeover.toFixed(1)} s, duplicates ${r.duplicates}, missing ${r.missing}, recorded from the journal ${fromJournal}`);
      // Each run starts its own sender; a restarted one is stopped before the next run.
      for (const b of rig.bots.filter((x) => x !== standby)) await b.stop();
      rig.bots = rig.bots.filter((x) => x === standby);
    }
    const total = runsOut.reduce((s, r) => ({ d: s.d + r.duplicates, m: s.m + r.missing }), { d: 0, m: 0 });
    const takeovers = runsOut.map((r) => r.takeover).sort((x, y) => x - y);
    return {
      scenario: mode === 'standby' ? `kill-9 (two instances, ${runs} runs)` : `kill-9 + restart (${runs} runs)`,
      recipients: users.length * runs,
      delivered: users.length * runs - total.m,
      missing: total.m,
      duplicates: total.d,
      requests: totals.requests,
      received429: totals.received429,
      insideRetryAfter: totals.insideRetryAfter,
      busiestSecond: totals.busiest,
      takeoverSeconds: round(takeovers[takeovers.length - 1], 1),
      notes: {
        runsWithDuplicate: runsOut.filter((r) => r.duplicates > 0).length,
        // Runs where the kill fell after Teams accepted a message and before storage recorded it: without the
        // journal, each of these rows would have been sent again.
        runsSavedByJournal: runsOut.filter((r) => r.fromJournal > 0).length,
        rowsFromJournal: runsOut.reduce((s, r) => s + r.fromJournal, 0),
        runs,
        takeoverMedianSeconds: round(takeovers[Math.floor(takeovers.length / 2)], 1),
      },
    };
  } finally {
    await rig.stop();
  }
}

/** Azurite stopped for 11 s at about 30% of a digest, then started again with its data. */
async function azuriteRestart(): Promise<Result> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-azurite-'));
  let az = await startAzurite({ port, location: dir });
  const handle = { port, stop: () => az.stop() };
  const rig = await new Rig(handle).start({ ratePerSecond: 100_000 });
  try {
    const bot = await rig.bot();
    const users = population(args.recipients, 'azurite');
    await rig.subscribers(users, bot);
    rig.measure({ ratePerSecond: args.rate });
    const { digestId } = await adminSendsDigest(rig.client, bot.url, rig.sim, admin, newsletter());
    await waitUntil(() => rig.sim.accepted >= users.length * 0.3, 120_000, '30%', 5);
    await az.stop();
    const downAt = performance.now();
    await new Promise((r) => setTimeout(r, 11_000));
    az = await startAzurite({ port, location: dir });
    const d = await rig.digestDone(digestId);
    const firstAfter = rig.sim.firstAcceptedAfter(downAt + 11_000);
    return rig.result('azurite down 11 s', users, {
      floorSeconds: args.recipients / args.rate + 11,
      notes: { reportSent: d.counts?.sent, reportFailed: d.counts?.failed, resumedAfterStorageSeconds: firstAfter ? round((firstAfter - downAt - 11_000) / 1000, 1) : undefined },
    });
  } finally {
    await rig.stop();
    await az.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The connector allows 10/s with Retry-After 2 s; the bot is configured for 50/s. */
async function storm(az: Rig['azurite']): Promise<Result> {
  const rig = await new Rig(az).start({ ratePerSecond: 100_000 });
  try {
    const bot = await rig.bot();
    const users = population(600, 'storm');
    await rig.subscribers(users, bot);
    rig.measure({ ratePerSecond: 10, retryAfterSeconds: 2 });
    const { digestId } = await adminSendsDigest(rig.client, bot.url, rig.sim, admin, newsletter());
    await rig.digestDone(digestId, 600_000);
    return rig.result('429 storm (10/s, Retry-After 2 s)', users, { floorSeconds: 600 / 10 });
  } finally {
    await rig.stop();
  }
}

/** 5% 503s, 20 people who blocked the bot, 40 whose chat is gone (created again). */
async function gone(az: Rig['azurite']): Promise<Result> {
  const rig = await new Rig(az).start({ ratePerSecond: 100_000 });
  try {
    const bot = await rig.bot();
    const users = population(args.recipients, 'gone');
    await rig.subscribers(users, bot);
    const blocked = users.filter((_, i) => i % 40 === 1).slice(0, 20);
    const goneUsers = users.filter((_, i) => i % 20 === 3).slice(0, 40);
    for (const u of blocked) rig.sim.blocked.add(u.conversationId);
    for (const u of goneUsers) rig.sim.gone.add(u.conversationId);
    rig.measure({ ratePerSecond: args.rate, failureRate: 0.05 });
    const { digestId } = await adminSendsDigest(rig.client, bot.url, rig.sim, admin, newsletter());
    const d = await rig.digestDone(digestId);
    const reachable = users.filter((u) => !blocked.includes(u));
    return rig.result('5% 503, 20 blocked, 40 chats gone', reachable, {
      floorSeconds: args.recipients / args.rate,
      notes: { blockedReported: d.counts?.blocked, refoundReported: d.counts?.refound, unreachable: d.counts?.unreachable, received503: rig.sim.count503 },
    });
  } finally {
    await rig.stop();
  }
}

/** Two instances, a digest on one and a trainer's message to everyone booked on the other, at the same time. */
async function twoFanouts(az: Rig['azurite']): Promise<Result> {
  const rig = await new Rig(az).start({ ratePerSecond: 100_000 });
  try {
    const [a, b] = [await rig.bot(), await rig.bot()];
    const subscribers = population(600, 'fan-sub');
    const booked = population(300, 'fan-book');
    await rig.subscribers(subscribers, a);
    log('  600 subscribed');
    const tomorrow = DateTime.now().setZone('Europe/London').plus({ days: 1 }).toISODate()!;
    const sessionId = await trainerPublishesSession(rig.client, b.url, rig.sim, trainer, booked[0], { date: tomorrow, startTime: '10:00', endTime: '12:00', capacity: 300, joinUrl: 'https://teams.microsoft.com/l/meetup-join/bench' });
    log('  session published');
    await inParallel(booked, 8, (u) => book(rig.client, b.url, u, sessionId));
    log('  300 booked');
    rig.measure({ ratePerSecond: args.rate });
    const t0 = performance.now();
    const [{ digestId }] = await Promise.all([
      adminSendsDigest(rig.client, a.url, rig.sim, admin, newsletter()),
      rig.client.submit(b.url, trainer, { verb: 'trainingRemind', sessionId, requestId: `bench-${Date.now().toString(36)}`, message: 'Please bring your case notes tomorrow.' }),
    ]);
    await rig.digestDone(digestId);
    await waitUntil(() => rig.sim.tally(booked.map((u) => ({ conversationId: u.conversationId }))).sent === booked.length, 120_000, 'the trainer message', 250);
    const all = [...subscribers, ...booked];
    const r = rig.result(`two instances: digest 600 + trainer message 300 (budget ${args.rate}/s)`, all, { floorSeconds: all.length / args.rate });
    r.seconds = round((rig.sim.acceptedAt[rig.sim.acceptedAt.length - 1] - t0) / 1000);
    return r;
  } finally {
    await rig.stop();
  }
}

/**
 * The 1-hour reminder of an online session (here: 1 minute before, TRAINING_ONLINE_REMINDER_MINUTES=1) with 57 of
 * 60 practitioners booked after 3 cancelled and 3 were promoted; two instances; the one sending is killed just
 * after the reminders start. Everyone booked gets it once; how late the last one is, from its due time.
 */
async function reminders(az: Rig['azurite']): Promise<Result> {
  const rig = await new Rig(az, { TRAINING_ONLINE_REMINDER_MINUTES: '1' }).start({ ratePerSecond: 100_000 });
  try {
    const [a, b] = [await rig.bot(), await rig.bot()];
    const people = population(60, 'rem');
    for (const p of people) rig.sim.watch(p.conversationId);
    const start = DateTime.now().setZone('Europe/London').plus({ seconds: 80 }).startOf('minute').plus({ minutes: 1 });
    const end = DateTime.min(start.plus({ minutes: 60 }), start.endOf('day').startOf('minute'));
    const sessionId = await trainerPublishesSession(rig.client, a.url, rig.sim, trainer, people[0], {
      date: start.toISODate()!,
      startTime: start.toFormat('HH:mm'),
      endTime: end.toFormat('HH:mm'),
      capacity: 57,
      joinUrl: 'https://teams.microsoft.com/l/meetup-join/bench-reminder',
    });
    for (const p of people) await book(rig.client, a.url, p, sessionId); // 57 booked, 3 waiting
    for (const p of people.slice(10, 13)) await cancelBooking(rig.client, b.url, p, sessionId); // 3 promoted
    const bookedNow = people.filter((_, i) => i < 10 || i >= 13);
    const due = start.minus({ minutes: 1 }).toMillis();
    rig.measure({ ratePerSecond: args.rate });
    const reminderTimes = (u: TeamsUser) =>
      rig.sim.watched.filter((w) => w.conversationId === u.conversationId && w.method === 'POST' && /^Reminder:/.test(cardOf(w.body)?.body?.[0]?.text ?? '')).map((w) => w.at);
    await waitUntil(() => bookedNow.some((u) => reminderTimes(u).length > 0), 200_000, 'the first reminder', 20);
    // Kill the instance that started the reminder (its log says so), just after the first ones went out.
    await new Promise((r) => setTimeout(r, 150));
    const sender = [a, b].find((x) => /training reminder due/.test(x.logs)) ?? a;
    await sender.kill9();
    const killedAt = Date.now();
    await waitUntil(() => bookedNow.every((u) => reminderTimes(u).length > 0), 180_000, 'every reminder', 100);
    await new Promise((r) => setTimeout(r, 3000)); // any late duplicate would show by now
    const counts = bookedNow.map((u) => reminderTimes(u).length);
    const last = Math.max(...bookedNow.map((u) => Math.min(...reminderTimes(u))));
    const cancelled = people.slice(10, 13).filter((u) => reminderTimes(u).length > 0).length;
    const after = bookedNow.map((u) => Math.min(...reminderTimes(u))).filter((t) => t > killedAt).sort((x, y) => x - y);
    return {
      scenario: 'reminders: 57 booked, sender killed after the first',
      recipients: bookedNow.length,
      delivered: counts.filter((c) => c > 0).length,
      missing: counts.filter((c) => c === 0).length,
      duplicates: counts.reduce((s, c) => s + Math.max(0, c - 1), 0),
      requests: rig.sim.requests,
      received429: rig.sim.count429,
      insideRetryAfter: rig.sim.insideRetryAfter,
      busiestSecond: rig.sim.busiest(1000),
      takeoverSeconds: after.length ? round((after[0] - killedAt) / 1000, 1) : 0,
      notes: { lastReminderSecondsAfterDue: round((last - due) / 1000, 1), toCancelledBookings: cancelled },
    };
  } finally {
    await rig.stop();
  }
}

function row(r: Result): string {
  const pct = (n: number) => (r.requests ? `${round((100 * n) / r.requests, 1)}%` : '0%');
  const vsFloor = r.seconds !== undefined && r.floorSeconds ? ` (${round(r.seconds / r.floorSeconds, 2)}× the ${round(r.floorSeconds, 1)} s floor)` : '';
  return [
    `${r.scenario}:`,
    `  delivered ${r.delivered}/${r.recipients}, missing ${r.missing}, duplicates ${r.duplicates}`,
    r.seconds !== undefined ? `  ${r.seconds} s${vsFloor}` : undefined,
    `  requests ${r.requests}: 429s received ${r.received429} (${pct(r.received429)}), inside an open Retry-After ${r.insideRetryAfter} (${pct(r.insideRetryAfter)}), busiest second ${r.busiestSecond}`,
    r.takeoverSeconds !== undefined ? `  takeover ${r.takeoverSeconds} s` : undefined,
    r.notes && Object.keys(r.notes).length ? `  ${JSON.stringify(r.notes)}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
}

async function main(): Promise<void> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-azurite-'));
  const az = await startAzurite({ port, location: dir });
  // Interrupted (Ctrl-C, a timeout): take Azurite down too rather than orphaning it (bot processes are killed on exit).
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void az.stop().finally(() => process.exit(130)));
  const results: Result[] = [];
  try {
    for (const s of args.scenarios) {
      log(`— ${s} —`);
      const started = Date.now();
      const r =
        s === 'none'
          ? await none(az)
          : s === 'kill'
            ? await kill(az, 'standby', args.killRuns)
            : s === 'kill-restart'
              ? await kill(az, 'restart', Math.max(1, Math.min(3, args.killRuns)))
              : s === 'azurite'
                ? await azuriteRestart()
                : s === 'storm'
                  ? await storm(az)
                  : s === 'gone'
                    ? await gone(az)
                    : s === 'two-fanouts'
                      ? await twoFanouts(az)
                      : await reminders(az);
      results.push(r);
      process.stdout.write(JSON.stringify(r) + '\n');
      log(row(r));
      log(`  (scenario took ${Math.round((Date.now() - started) / 1000)} s)`);
    }
  } finally {
    await az.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  },
);
