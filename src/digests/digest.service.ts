import { createHash, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { DeliveryEngine } from '../delivery/delivery.engine';
import type { DeliveryProgress } from '../delivery/delivery.progress';
import type { DeliveryTarget, Notifier, OutgoingMessage } from '../delivery/notifier';
import { ConflictError, UserInputError } from '../errors';
import type { Logger } from '../logger';
import { holdLease } from '../storage/lease';
import { isConflict, type Tables } from '../storage/tables';
import { DigestStore } from './digest.store';
import type { DigestCounts, DigestRecord, DigestRenderer, DigestReport } from './digest.types';
import { LONDON, londonToday, londonToUtc } from './london-time';
import { composeNewsletter, type NewsletterFormat } from './newsletter.composer';
import { SubscriptionStore, type RecipientDirectory, type SubscriberKind } from './subscription.store';

/** Teams refuses messages over 100 KB; a digest stays well below. */
export const MAX_DIGEST_MESSAGE_BYTES = 40_000;

export interface DigestServiceDeps {
  tables: Tables;
  engine: DeliveryEngine;
  /** Used to update the admin's progress card in place. */
  notifier: Notifier;
  clock: Clock;
  config?: Config;
  logger: Logger;
  /** Finds a conversation reference when a subscription row has none. */
  conversations?: RecipientDirectory;
  render: DigestRenderer;
  /** Called once per digest when its delivery starts (before the first card): connect the knowledge service's ingestion here. */
  onPublished?(digest: DigestRecord, content: { markdown: string }): void | Promise<void>;
  progressIntervalMs?: number;
  instanceId?: string;
  /**
   * The lease on a digest's delivery: renewed by heartbeat (every third of it) while this instance sends, so
   * a crashed sender's digest is taken over by another instance's tick soon after it runs out.
   */
  runLeaseMs?: number;
}

export interface CreateDigestInput {
  content: string;
  format?: NewsletterFormat;
  title?: string;
  /** yyyy-MM-dd; today (London) when absent. */
  published?: string;
  url?: string;
  createdBy: string;
  /** The create card's client-made id (or the activity id of an attached file): a second arrival returns the first digest. */
  requestId?: string;
}

/** Where the admin's card lives, so progress can replace it in place (conversation + the card's activity id). */
export interface ProgressCardRef {
  target: DeliveryTarget;
  activityId: string;
}

export interface SubscriberRef {
  kind: SubscriberKind;
  /** Entra object id for a person; the channel's conversation id for a channel. */
  key: string;
  target?: DeliveryTarget;
  by?: string;
}

export interface DigestService {
  subscribe(ref: SubscriberRef): Promise<{ subscribed: true; created: boolean }>;
  unsubscribe(ref: Pick<SubscriberRef, 'kind' | 'key'>): Promise<{ subscribed: false; removed: boolean }>;
  isSubscribed(kind: SubscriberKind, key: string): Promise<boolean>;
  readonly subscriptions: SubscriptionStore;

  create(input: CreateDigestInput): Promise<DigestRecord>;
  get(digestId: string): Promise<DigestRecord | undefined>;
  /** Exactly the message subscribers will get. */
  preview(digestId: string): Promise<OutgoingMessage>;
  /** Starts delivery now. A second call (double click) returns the running job with `started: false`. */
  sendNow(digestId: string, by: string, opts?: { progressCard?: ProgressCardRef }): Promise<{ digest: DigestRecord; started: boolean }>;
  /** Schedules at a Europe/London wall time: `date` "2026-11-23" + `time` "09:00", or one "2026-11-23T09:00". */
  schedule(digestId: string, date: string, time: string | undefined, by: string, opts?: { progressCard?: ProgressCardRef }): Promise<DigestRecord>;
  cancel(digestId: string, by: string): Promise<DigestRecord>;
  /**
   * Runs due scheduled digests and takes over deliveries nobody is running (a crashed or stopped instance);
   * call every few seconds on every instance. `resumed` lists only deliveries this instance took over.
   */
  tick(): Promise<{ started: string[]; resumed: string[] }>;
  /** The admin's "Retry the ones not delivered": failed and unreachable rows are sent again. Returns how many there were. */
  retryFailed(digestId: string, by: string): Promise<{ digest: DigestRecord; retrying: number }>;
  report(digestId: string): Promise<DigestReport>;
  listReports(limit?: number): Promise<DigestReport[]>;
  /** Resolves when deliveries started by this instance have finished (tests, graceful shutdown). */
  whenIdle(): Promise<void>;
  /** Shutdown: stops claiming and sending; unsent claimed rows are released for the next instance or tick. */
  stop(): void;
}

const recipientKey = (kind: SubscriberKind, key: string) => `${kind}:${key}`;
function parseRecipient(rk: string): { kind: SubscriberKind; key: string } {
  const i = rk.indexOf(':');
  return { kind: rk.slice(0, i) as SubscriberKind, key: rk.slice(i + 1) };
}
/** Teams channel conversation ids carry ";messageid=…" when taken from a reply thread; the channel is the part before. */
const channelBase = (id: string) => id.split(';')[0];

/** What deliver() needs of a held lease (src/storage/lease.ts). */
interface HeldLeaseLike {
  signal: AbortSignal;
  release(): Promise<void>;
}

export function createDigestService(deps: DigestServiceDeps): DigestService {
  const { tables, engine, notifier, clock, logger, render } = deps;
  const store = new DigestStore(tables.client('Digests'));
  const subs = new SubscriptionStore(tables.client('Subscriptions'));
  const leases = tables.client('Leases');
  const instanceId = deps.instanceId ?? `digests-${randomBytes(4).toString('hex')}`;
  const runLeaseMs = deps.runLeaseMs ?? 10_000;
  const progressIntervalMs = deps.progressIntervalMs ?? 5000;
  const running = new Map<string, Promise<void>>();
  const stopping = new AbortController();
  const nowIso = () => clock.now().toISOString();

  async function mustGet(id: string): Promise<DigestRecord> {
    const d = await store.get(id);
    if (!d) throw new UserInputError('I could not find that digest. It may have been removed; create it again.');
    return d;
  }

  /** Applies a transition with ETag retries: `decide` sees the fresh record and returns the patch, or a final answer. */
  async function transition<T>(id: string, decide: (d: DigestRecord) => { patch: Partial<DigestRecord> } | { result: T }, done: (d: DigestRecord) => T): Promise<T> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const d = await mustGet(id);
      const decision = decide(d);
      if ('result' in decision) return decision.result;
      try {
        return done(await store.update(d, decision.patch));
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
      }
    }
    throw new ConflictError('The digest is being changed by someone else; try again.');
  }

  async function enqueueAll(d: DigestRecord): Promise<void> {
    let added = 0;
    let unreachable = 0;
    for await (const page of subs.pages()) {
      const rows = [];
      for (const s of page) {
        const target = s.target ?? (await deps.conversations?.lookup(s.kind, s.key));
        if (target) rows.push({ key: recipientKey(s.kind, s.key), target });
        else unreachable += 1;
      }
      added += (await engine.enqueue(d.jobId!, rows)).added;
    }
    logger.info({ digestId: d.id, added, unreachable }, 'digest recipients enqueued');
  }

  async function showProgress(d: DigestRecord, p?: DeliveryProgress): Promise<void> {
    if (!d.progressCard || !d.jobId) return;
    try {
      const progress = p ?? (await engine.progress(d.jobId));
      await notifier.update(d.progressCard.target, d.progressCard.activityId, render.progress(d, progress));
    } catch (e) {
      logger.warn({ digestId: d.id, err: (e as Error).message }, 'progress card update failed');
    }
  }

  /** Where a recipient's chat moved to (it was gone and was created again): kept for the next digest. */
  async function moved(rk: string, target: DeliveryTarget): Promise<void> {
    const r = parseRecipient(rk);
    if (await subs.isSubscribed(r.kind, r.key)) await subs.subscribe(r.kind, r.key, target, undefined, nowIso());
    await deps.conversations?.remember?.(r.kind, r.key, target);
  }

  /** Runs the delivery of a digest this instance holds the lease on, to the end (or until stopped or the lease is lost). */
  async function deliver(start: DigestRecord, held: HeldLeaseLike): Promise<void> {
    const signal = AbortSignal.any([stopping.signal, held.signal]);
    let ticker: NodeJS.Timeout | undefined;
    try {
      let d = await mustGet(start.id);
      if (d.status !== 'sending' || !d.jobId) return;
      if (d.retryRequestedAt) {
        // Put the rows back under the lease, before the run, so the run cannot finish without them.
        await engine.reopenFailed(d.jobId);
        d = await transition(d.id, () => ({ patch: { retryRequestedAt: '' } }), (x) => x);
      }
      if (!d.enqueuedAt) {
        await enqueueAll(d);
        d = await transition(d.id, () => ({ patch: { enqueuedAt: nowIso() } }), (x) => x);
      }
      // Ingest before the first card goes out, so "Ask me about this" finds the newsletter from the start.
      if (!d.ingestedAt && deps.onPublished) {
        try {
          await deps.onPublished(d, { markdown: await store.body(d.id) });
          d = await transition(d.id, () => ({ patch: { ingestedAt: nowIso() } }), (x) => x);
        } catch (e) {
          logger.error({ digestId: d.id, err: (e as Error).message }, 'newsletter ingestion failed; sending anyway');
        }
      }
      const message = render.digest(d);
      const card = d;
      // One progress update at a time; the one in flight when sending ends lands before the final report, so
      // the admin's card never goes back from "Delivery report" to "sending".
      let tick: Promise<void> | undefined;
      ticker = setInterval(() => {
        if (!tick) tick = showProgress(card).finally(() => (tick = undefined));
      }, progressIntervalMs);
      ticker.unref();
      await showProgress(d);
      await engine.run(d.jobId!, () => message, {
        signal,
        shouldSend: (rk) => {
          const r = parseRecipient(rk);
          return subs.isSubscribed(r.kind, r.key);
        },
        // Blocked or unreachable people stay subscribed: nobody is unsubscribed without being told, and a person
        // who unblocks the bot gets the next digest. The report shows them.
        onBlocked: (rk) => logger.info({ digestId: d.id, recipient: rk }, 'recipient blocked the bot'),
        onUnreachable: (rk) => logger.info({ digestId: d.id, recipient: rk }, 'recipient unreachable: chat gone and not re-created'),
        onRefound: moved,
        personOf: async (rk) => {
          const r = parseRecipient(rk);
          if (r.kind !== 'user') return undefined;
          const t = await deps.conversations?.lookup('user', r.key);
          return t?.userId ? { userId: t.userId, tenantId: t.tenantId } : undefined;
        },
      });
      clearInterval(ticker);
      await tick;
      if (signal.aborted) return;
      const p = await engine.progress(d.jobId!);
      if (p.pending > 0) return; // rows still open (another worker's claims): a later tick finishes the record
      const counts: DigestCounts = { total: p.total, sent: p.sent, failed: p.failed, blocked: p.blocked, unreachable: p.unreachable, tooLarge: p.tooLarge, skipped: p.skipped, refound: p.refound };
      const finished = await transition<DigestRecord | undefined>(
        d.id,
        (x) => (x.status === 'sending' && !x.retryRequestedAt ? { patch: { status: 'sent', finishedAt: nowIso(), counts } } : { result: undefined }),
        (x) => x,
      );
      if (!finished) return;
      logger.info({ digestId: d.id, ...counts }, 'digest sent');
      await showProgress(finished, p);
    } finally {
      if (ticker) clearInterval(ticker);
      await held.release();
    }
  }

  /**
   * Takes the digest's delivery lease and, if this instance got it, runs the delivery in the background.
   * Resolves once the lease question is settled: true when this instance is now delivering it.
   */
  async function launch(d: DigestRecord): Promise<boolean> {
    if (running.has(d.id) || stopping.signal.aborted) return false;
    let held: HeldLeaseLike | undefined;
    const claim = holdLease(leases, `digest-run:${d.id}`, instanceId, { ttlMs: runLeaseMs, clock, logger, releaseOn: stopping.signal })
      .then((h) => (held = h))
      .catch((e) => {
        logger.warn({ digestId: d.id, err: (e as Error).name }, 'digest delivery lease not taken; the next tick tries again');
        return undefined;
      });
    // Marked running while the lease is asked for, so two ticks on one instance never race each other.
    const p = claim
      .then((h) => (h ? deliver(d, h) : undefined))
      .catch((e) => logger.error({ digestId: d.id, err: (e as Error).message }, 'digest delivery failed; the next tick resumes it'))
      .finally(() => running.delete(d.id));
    running.set(d.id, p);
    await claim;
    return Boolean(held);
  }

  const jobIdFor = (id: string) => `digest-${id}`;

  return {
    subscriptions: subs,

    async subscribe(ref) {
      const key = ref.kind === 'channel' ? channelBase(ref.key) : ref.key;
      if (!key) throw new UserInputError('I could not tell who to subscribe.');
      let target = ref.target ?? (await deps.conversations?.lookup(ref.kind, key));
      if (target && ref.kind === 'channel') target = { ...target, conversationId: channelBase(target.conversationId) };
      const { created } = await subs.subscribe(ref.kind, key, target, ref.by, nowIso());
      logger.info({ kind: ref.kind, key, created }, 'subscribed to digests');
      return { subscribed: true, created };
    },

    async unsubscribe(ref) {
      const key = ref.kind === 'channel' ? channelBase(ref.key) : ref.key;
      const { removed } = await subs.unsubscribe(ref.kind, key);
      logger.info({ kind: ref.kind, key, removed }, 'unsubscribed from digests');
      return { subscribed: false, removed };
    },

    isSubscribed: (kind, key) => subs.isSubscribed(kind, kind === 'channel' ? channelBase(key) : key),

    async create(input) {
      const fieldErrors: Record<string, string> = {};
      const published = (input.published ?? '').trim() || londonToday(clock.now());
      if (!/^\d{4}-\d{2}-\d{2}$/.test(published) || !DateTime.fromISO(published, { zone: LONDON }).isValid) fieldErrors.published = 'a date like 2026-11-23';
      const url = (input.url ?? '').trim() || undefined;
      if (url && !isHttpsUrl(url)) fieldErrors.url = 'a link starting with https://';
      if (Object.keys(fieldErrors).length) throw new UserInputError('Please check the highlighted fields.', fieldErrors);
      const composed = composeNewsletter(input.content, input.format ?? 'auto');
      const title = ((input.title ?? '').trim() || composed.title || '').slice(0, 200);
      if (!title) throw new UserInputError('Please give the newsletter a title.', { title: 'required' });
      const now = clock.now();
      const suffix = input.requestId ? createHash('sha256').update(input.requestId).digest('hex').slice(0, 10) : randomBytes(3).toString('hex');
      const d: DigestRecord = {
        id: `dg-${DateTime.fromJSDate(now).setZone(LONDON).toFormat('yyyyMMdd')}-${suffix}`,
        title,
        published,
        url,
        intro: composed.intro,
        items: composed.items,
        totalItems: composed.totalItems,
        format: composed.format,
        status: 'draft',
        createdBy: input.createdBy,
        createdAt: now.toISOString(),
      };
      const bytes = Buffer.byteLength(JSON.stringify(render.digest(d)));
      if (bytes > MAX_DIGEST_MESSAGE_BYTES) {
        throw new UserInputError(`The digest card would be ${Math.round(bytes / 1000)} KB, over the ${MAX_DIGEST_MESSAGE_BYTES / 1000} KB limit: shorten the headings or intro.`, { content: 'too large' });
      }
      let saved: DigestRecord;
      try {
        saved = await store.create(d, composed.markdown);
      } catch (e) {
        // The same request arrived twice (double click, redelivered activity): answer with the first digest.
        const first = input.requestId && isConflict(e) ? await store.get(d.id) : undefined;
        if (!first) throw e;
        return first;
      }
      logger.info({ digestId: d.id, items: d.items.length, createdBy: input.createdBy }, 'digest draft created');
      return saved;
    },

    get: (id) => store.get(id),

    async preview(id) {
      return render.digest(await mustGet(id));
    },

    async sendNow(id, by, opts = {}) {
      const res = await transition<{ digest: DigestRecord; started: boolean }>(
        id,
        (d) => {
          if (d.status === 'sending' || d.status === 'sent') return { result: { digest: d, started: false } };
          if (d.status === 'cancelled') throw new UserInputError('This digest was cancelled; create it again to send it.');
          return { patch: { status: 'sending', sentBy: by, sendStartedAt: nowIso(), jobId: jobIdFor(id), progressCard: opts.progressCard ?? d.progressCard } };
        },
        (digest) => ({ digest, started: true }),
      );
      if (res.started) {
        logger.info({ digestId: id, by }, 'digest send started');
        await launch(res.digest);
      }
      return res;
    },

    async schedule(id, date, time, by, opts = {}) {
      const { utc, local } = londonToUtc(date, time);
      if (utc.getTime() <= clock.now().getTime()) {
        throw new UserInputError(`${local} UK time has already passed. Pick a later time, or use Send now.`, { time: 'in the past' });
      }
      return transition<DigestRecord>(
        id,
        (d) => {
          if (d.status === 'sending' || d.status === 'sent') throw new UserInputError('This digest has already been sent.');
          if (d.status === 'cancelled') throw new UserInputError('This digest was cancelled; create it again to schedule it.');
          return { patch: { status: 'scheduled', scheduledFor: utc.toISOString(), scheduledLocal: local, scheduledBy: by, progressCard: opts.progressCard ?? d.progressCard } };
        },
        (d) => {
          logger.info({ digestId: id, by, scheduledFor: d.scheduledFor }, 'digest scheduled');
          return d;
        },
      );
    },

    async cancel(id, by) {
      return transition<DigestRecord>(
        id,
        (d) => {
          if (d.status === 'cancelled') return { result: d };
          if (d.status === 'sending' || d.status === 'sent') throw new UserInputError('This digest is already being sent, so it cannot be cancelled.');
          return { patch: { status: 'cancelled', cancelledBy: by, cancelledAt: nowIso() } };
        },
        (d) => d,
      );
    },

    async tick() {
      const now = clock.now().getTime();
      const started: string[] = [];
      const resumed: string[] = [];
      for (const d of await store.list({ statuses: ['scheduled', 'sending'] })) {
        if (d.status === 'scheduled' && d.scheduledFor && new Date(d.scheduledFor).getTime() <= now) {
          try {
            // The ETag makes this the one start across instances: the loser gets a ConflictError.
            const s = await store.update(d, { status: 'sending', sentBy: d.scheduledBy, sendStartedAt: nowIso(), jobId: jobIdFor(d.id) });
            started.push(d.id);
            logger.info({ digestId: d.id }, 'scheduled digest started');
            await launch(s);
          } catch (e) {
            if (!(e instanceof ConflictError)) throw e;
          }
        } else if (d.status === 'sending' && !running.has(d.id)) {
          // Only a delivery nobody holds is taken over (its sender stopped or crashed); logged only then.
          if (await launch(d)) {
            resumed.push(d.id);
            logger.info({ digestId: d.id, instanceId }, 'digest delivery taken over');
          }
        }
      }
      return { started, resumed };
    },

    async retryFailed(id, by) {
      let retrying = 0;
      const res = await transition<{ digest: DigestRecord; started: boolean }>(
        id,
        (d) => {
          if (d.status !== 'sent' || !d.jobId) return { result: { digest: d, started: false } };
          retrying = (d.counts?.failed ?? 0) + (d.counts?.unreachable ?? 0);
          if (!retrying) return { result: { digest: d, started: false } };
          return { patch: { status: 'sending', retryRequestedAt: nowIso(), retriedBy: by, finishedAt: '' } };
        },
        (digest) => ({ digest, started: true }),
      );
      if (!res.started) return { digest: res.digest, retrying: 0 };
      logger.info({ digestId: id, by, retrying }, 'digest: retrying the recipients not delivered');
      await launch(res.digest);
      return { digest: res.digest, retrying };
    },

    async report(id) {
      const digest = await mustGet(id);
      return { digest, progress: digest.jobId ? await engine.progress(digest.jobId) : undefined };
    },

    async listReports(limit = 20) {
      const all = (await store.list()).slice(0, limit);
      return Promise.all(all.map(async (digest) => ({ digest, progress: digest.status === 'sending' && digest.jobId ? await engine.progress(digest.jobId) : undefined })));
    },

    stop() {
      stopping.abort();
    },

    async whenIdle() {
      while (running.size) await Promise.all([...running.values()]);
    },
  };
}

function isHttpsUrl(s: string): boolean {
  try {
    return new URL(s).protocol === 'https:';
  } catch {
    return false;
  }
}
