import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Tables } from '../storage/tables';
import { DeliveryError, type DeliveryTarget, type Notifier, type OutgoingMessage, type SendOutcome } from './notifier';
import { OutboxStore, RETRYABLE_FINAL_STATUSES, type OutboxRecipient, type OutboxRow, type OutboxStatus } from './outbox.store';
import { ConversationRateLimiter, GlobalRateLimiter, TEAMS_CONVERSATION_LIMITS, realTimers, type LimiterTimers } from './rate-limiter';
import { backoffMs, classifyFailure, DEFAULT_BACKOFF, deferralMs, isTransientStorageError, MAX_DEFERRALS, type BackoffOptions } from './retry-policy';
import { computeProgress, type DeliveryProgress } from './delivery.progress';
import type { SentJournal } from './sent-journal';

export type { DeliveryProgress } from './delivery.progress';
export type { OutboxRecipient, OutboxStatus } from './outbox.store';

export interface DeliveryEngineOptions {
  tables: Tables;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  /** Starting pace of this process; the app-wide budget (rate-budget.ts) sets its share while it runs. */
  ratePerSecond: number;
  /** Identifies this worker in claims; random by default. */
  workerId?: string;
  /** How long a claim protects a row. A crashed worker's rows are taken over after this. */
  leaseMs?: number;
  backoff?: BackoffOptions;
  /** 429s on one row within one claim before the row is put back for a later retry. */
  maxThrottledAttempts?: number;
  /** How often an idle worker looks again when other workers still hold rows. */
  pollMs?: number;
  /** Timing for pacing and backoff (tests may speed it up). Lease instants come from `clock`. */
  timers?: LimiterTimers;
  conversationLimits?: readonly (readonly [number, number])[];
  random?: () => number;
  /** A one-off send (escalation card, progress card) gives up after this long (default 10 s): a person's turn may be waiting. */
  directDeadlineMs?: number;
  /**
   * Where sends Teams accepted are noted synchronously, before the outbox's "sent" write (sent-journal.ts).
   * Whoever takes over a row whose claim ran out reads it first, so a crash between Teams' answer and that
   * write does not send the message twice.
   */
  journal?: SentJournal;
}

export interface RunOptions {
  /** Checked before a row is sent; false marks it `skipped` (e.g. the person unsubscribed). A throw means "cannot tell yet": retried. */
  shouldSend?(recipientKey: string): boolean | Promise<boolean>;
  /** 403: the person blocked the bot. */
  onBlocked?(recipientKey: string): void | Promise<void>;
  /** The chat was gone and could not be created again: the person is unreachable for now. */
  onUnreachable?(recipientKey: string): void | Promise<void>;
  /** The chat was gone and was created again: `target` is where the person is now (store it for next time). */
  onRefound?(recipientKey: string, target: DeliveryTarget): void | Promise<void>;
  /** The Teams user id (and tenant) behind a recipient whose row has none, to create their chat again. */
  personOf?(recipientKey: string): Promise<{ userId: string; tenantId?: string } | undefined>;
  /** Stops the run: no new claims, no new sends; rows claimed but unsent are released. */
  signal?: AbortSignal;
}

export interface RunSummary {
  jobId: string;
  /** Rows this run finished (or put back for a later retry, as `retry`), by outcome. */
  outcomes: Partial<Record<OutboxStatus, number>>;
  retries429: number;
  retries5xx: number;
  /** Storage operations that failed and were retried (the rows waited; none was given an outcome for it). */
  storageRetries: number;
  aborted: boolean;
}

export interface DeliveryEngine {
  readonly workerId: string;
  /** Writes one pending outbox row per recipient; rows that already exist are left as they are. */
  enqueue(jobId: string, recipients: OutboxRecipient[]): Promise<{ added: number; existing: number }>;
  /**
   * Sends every open row of the job (pending, claimed by a worker whose claim ran out, or due for a retry) and
   * resolves when no row is open any more. Safe to run on several workers at once and to re-run after a crash.
   */
  run(jobId: string, buildMessage: (recipientKey: string) => OutgoingMessage | Promise<OutgoingMessage>, opts?: RunOptions): Promise<RunSummary>;
  /** Counts, rate and ETA, read from the outbox rows (so any instance can report on any job). */
  progress(jobId: string): Promise<DeliveryProgress>;
  /** Puts the job's failed and unreachable rows back to pending; returns how many. */
  reopenFailed(jobId: string): Promise<number>;
  /** One message outside any outbox (an escalation card), paced ahead of fan-outs, with the same retry policy. */
  deliver(target: DeliveryTarget, message: OutgoingMessage): Promise<SendOutcome>;
  /**
   * The Notifier for everything else in the process (escalation posts, progress-card updates): every request
   * goes through this engine's pacing, Retry-After handling and retries.
   */
  readonly notifier: Notifier;
  readonly limiter: GlobalRateLimiter;
}

const ABANDON = Symbol('abandon');
/** A "still wanted?" answer older than this (a 429 pause, an outage in between) is asked again before sending. */
const RECHECK_AFTER_MS = 5000;

/**
 * The delivery engine shared by digests, training reminders and escalation notifications.
 *
 * Outcomes come only from the connector: a row is `sent` once the connector accepted it, and final only for
 * an answer that will not change. Storage trouble is never an outcome: a storage call that fails is retried
 * with backoff (the row stays claimed, then pending), so an outage only delays delivery.
 *
 * Exactly-once boundary: a row is marked `sent` by the first write after the connector answers. If the
 * process dies after Teams accepted the message but before that write lands (one Table write, a few
 * milliseconds), the row's claim runs out and another worker takes it over. With a journal (sent-journal.ts)
 * the send was noted synchronously the moment the answer arrived, and the taker records the row as sent
 * instead of sending it again; what is left is a death while Teams' answer is on its way back. Teams offers
 * no idempotency key, so that last window cannot be closed; everything else (restarts, two workers, storage
 * outages) is exactly once.
 */
export function createDeliveryEngine(opts: DeliveryEngineOptions): DeliveryEngine {
  const store = new OutboxStore(opts.tables.client('Outbox'));
  const { notifier, clock, logger } = opts;
  const workerId = opts.workerId ?? `w-${randomBytes(4).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? 12_000;
  // Renew a claim before pacing when less than this is left, so a queue wait never ends on an expired claim.
  const renewBelowMs = leaseMs / 2;
  const timers = opts.timers ?? realTimers;
  const backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  const maxThrottled = opts.maxThrottledAttempts ?? 10;
  const pollMs = opts.pollMs ?? 500;
  const random = opts.random ?? Math.random;
  const limiter = new GlobalRateLimiter({ ratePerSecond: opts.ratePerSecond, timers });
  const perConversation = new ConversationRateLimiter(opts.conversationLimits ?? TEAMS_CONVERSATION_LIMITS, timers);
  let lastStorageWarn = 0;
  const directDeadlineMs = opts.directDeadlineMs ?? 10_000;
  // Rows this process is working on. Their claims may run out while they wait (a storage outage stops the
  // renewals and the final write alike): this process must not take them up a second time meanwhile.
  const inHand = new Set<string>();
  const handKey = (r: Pick<OutboxRow, 'partitionKey' | 'rowKey'>) => `${r.partitionKey}|${r.rowKey}`;

  const nowIso = () => clock.now().toISOString();
  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs).toISOString();
  const claimLeftMs = (row: OutboxRow) => new Date(row.claimedUntil ?? 0).getTime() - clock.now().getTime();

  /**
   * A 429. Teams limits per app (all conversations) and per conversation; the answer does not say which. A
   * conversation that had several requests in the last two seconds hit its own limit: only it waits. Otherwise
   * the app-wide limit was hit: every send waits for Retry-After (in every instance: see rate-budget.ts) and
   * the pace drops.
   */
  function throttled(conversationId: string, retryAfterMs: number): void {
    if (perConversation.recentCount(conversationId, 2000) > 1) perConversation.pause(conversationId, retryAfterMs);
    else limiter.penalise(retryAfterMs);
  }

  /** Paces one request at the moment it goes out: the conversation's own limits, then the app's budget. */
  async function paced<T>(conversationId: string, priority: boolean, request: () => Promise<T>, beforeSend?: () => boolean): Promise<T | typeof ABANDON> {
    await perConversation.acquire(conversationId);
    await limiter.acquire({ priority });
    if (beforeSend && !beforeSend()) return ABANDON;
    return request();
  }

  /**
   * One message with retries, outside the outbox: transient failures back off, 429s wait as told, a person's
   * chat that is gone is created again once. Gives up after `directDeadlineMs` (the caller is often a person's
   * turn, which Teams waits at most 15 s for; an escalation card not posted is posted by the next SLA check), and
   * a request still queued for a send token at that moment is never sent. Throws the last DeliveryError.
   */
  async function sendDirect(target: DeliveryTarget, send: (t: DeliveryTarget) => Promise<SendOutcome | void>): Promise<SendOutcome> {
    const deadline = Date.now() + directDeadlineMs;
    const inTime = () => Date.now() < deadline;
    const giveUp = (last?: DeliveryError) => last ?? new DeliveryError(0, 'not sent in time (queued behind a Retry-After)');
    let throttledCount = 0;
    let transient = 0;
    let refound = false;
    let to = target;
    for (;;) {
      try {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<typeof ABANDON>((resolve) => {
          timer = setTimeout(() => resolve(ABANDON), Math.max(0, deadline - Date.now()));
          timer.unref?.();
        });
        const out = await Promise.race([paced(to.conversationId, true, () => send(to), inTime), late]).finally(() => clearTimeout(timer));
        if (out === ABANDON) throw giveUp();
        return out ?? {};
      } catch (e) {
        const err = asDeliveryError(e);
        const action = classifyFailure(err.status, err.retryAfterMs, err.code);
        if (action.kind === 'throttled' && ++throttledCount < maxThrottled && inTime()) {
          throttled(to.conversationId, action.retryAfterMs);
          continue;
        }
        if (action.kind === 'transient' && ++transient < backoff.maxAttempts && inTime()) {
          await timers.sleep(backoffMs(transient, backoff, random));
          continue;
        }
        if (action.kind === 'refind' && !refound && to.userId && notifier.createPersonalConversation && inTime()) {
          refound = true;
          const create = notifier.createPersonalConversation.bind(notifier);
          const made = await paced(to.conversationId, true, () => create(to), inTime);
          if (made === ABANDON) throw giveUp(err);
          to = made;
          continue;
        }
        throw err;
      }
    }
  }

  async function processRow(
    row: OutboxRow,
    build: (key: string) => OutgoingMessage | Promise<OutgoingMessage>,
    run: RunOptions,
    summary: RunSummary,
    takenOver: boolean,
  ): Promise<void> {
    let current: OutboxRow = row;
    const key = row.recipientKey;
    const log = { jobId: row.jobId, recipient: key };

    /**
     * Runs a storage operation until it succeeds: an outage makes the row wait, never fail. Gives up (ABANDON)
     * only when the run is stopping and `whileRunning` is set; the row is then left claimed and its claim runs out.
     */
    async function storage<T>(what: string, fn: () => Promise<T>, whileRunning = true, maxWaitMs = 4000): Promise<T | typeof ABANDON> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn();
        } catch (e) {
          if (!isTransientStorageError(e)) throw e;
          summary.storageRetries += 1;
          const now = Date.now();
          if (now - lastStorageWarn > 10_000) {
            lastStorageWarn = now;
            logger.warn({ ...log, step: what, err: (e as Error).name, status: (e as { statusCode?: number }).statusCode }, 'storage unavailable: delivery rows wait and retry');
          }
          if (whileRunning && run.signal?.aborted) return ABANDON;
          await timers.sleep(backoffMs(attempt, { baseMs: 250, maxMs: maxWaitMs }, random));
        }
      }
    }

    /** Records a final outcome (or a deferral); the write is retried until storage takes it. */
    async function record(status: OutboxStatus, patch: Partial<OutboxRow>): Promise<void> {
      const p = { status, claimedBy: '', claimedUntil: '', updatedAt: nowIso(), ...patch };
      // Retried every second at most: a send that happened must be written as soon as storage is back, before
      // another instance finds the row's claim run out.
      const done = await storage(`record ${status}`, () => store.update(current, p), false, 1000);
      if (done === undefined && status === 'sent') {
        // Our claim was overtaken while the send was in flight: the send happened, so record it anyway.
        logger.warn(log, 'claim lost during send; recording sent');
        await storage('record sent (forced)', () => store.force(current, p), false, 1000);
      }
      summary.outcomes[status] = (summary.outcomes[status] ?? 0) + 1;
    }

    /** Gives the row back (pending) for the next worker: a stop, or a change of plan. Best effort: a claim runs out anyway. */
    async function release(): Promise<void> {
      await store.update(current, { status: 'pending', claimedBy: '', claimedUntil: '' }).catch(() => undefined);
    }

    /** Makes sure the claim will outlast a pacing wait; false when another worker has taken the row over. */
    async function holdClaim(minLeftMs: number): Promise<boolean> {
      if (claimLeftMs(current) >= minLeftMs) return true;
      const renewed = await storage('renew claim', () => store.update(current, { claimedUntil: leaseUntil() }));
      if (renewed === ABANDON || !renewed) return false;
      current = renewed;
      return true;
    }

    // A claim that ran out: its worker may have died just after Teams accepted the message. If it noted the
    // send, record it instead of sending it again.
    const journalled = (noted: { activityId?: string; at: string }) => {
      logger.info(log, 'taken over after a send Teams had accepted: recorded as sent, not sent again');
      return record('sent', { statusCode: 201, attempts: row.attempts, activityId: noted.activityId, sentAt: noted.at, lastError: '' });
    };
    /** For a row taken over: what its previous worker noted, read afresh (a slow worker may have sent it meanwhile). */
    const notedNow = () => {
      if (!takenOver || !opts.journal) return undefined;
      opts.journal.refresh();
      return opts.journal.lookup(row);
    };
    const noted = notedNow();
    if (noted) return journalled(noted);

    let message: OutgoingMessage;
    try {
      message = await build(key);
    } catch (e) {
      logger.error({ ...log, err: (e as Error).name }, 'message build failed');
      return record('failed', { lastError: 'build', attempts: row.attempts });
    }

    // Is it still wanted? Asked before pacing, so no storage read sits between a send token and the send (that
    // jitter is what made the connector see bursts). The answer is at most one queue wait old (about two seconds
    // of sending); after a longer hold-up (a 429 pause, a storage outage) it is asked again.
    let checkedAt = -Infinity;
    const stillWanted = async (): Promise<boolean | typeof ABANDON> => {
      if (!run.shouldSend || timers.now() - checkedAt < RECHECK_AFTER_MS) return true;
      const wanted = await storage('check recipient', async () => Boolean(await run.shouldSend!(key)));
      checkedAt = timers.now();
      return wanted;
    };

    let target: DeliveryTarget = { conversationId: row.conversationId, serviceUrl: row.serviceUrl, tenantId: row.tenantId, channelId: row.channelId, userId: row.userId };
    let attempts = 0;
    let throttledCount = 0;
    let transient = 0;
    let refound = false;
    const notStopping = () => !run.signal?.aborted;
    const errPatch = (err: DeliveryError) => ({ statusCode: err.status, attempts: row.attempts + attempts, lastError: errorCode(err) });

    for (;;) {
      if (run.signal?.aborted) return release();
      await limiter.whilePaused();
      const wanted = await stillWanted();
      if (wanted === ABANDON) return;
      if (!wanted) return record('skipped', {});
      if (!(await holdClaim(renewBelowMs))) return; // another worker took the row over: it is theirs now
      let outcome: SendOutcome | typeof ABANDON;
      let lateNote: { activityId?: string; at: string } | undefined;
      try {
        outcome = await paced(target.conversationId, false, async () => {
          // Checked again at the moment of sending: the row may have waited seconds in the queue.
          lateNote = notedNow();
          if (lateNote) return {};
          attempts += 1;
          const accepted = await notifier.send(target, message);
          // Noted before anything else runs: the Table write below takes milliseconds a crash could fall into.
          opts.journal?.record(row, accepted.activityId, clock.now());
          return accepted;
        }, notStopping);
      } catch (e) {
        const err = asDeliveryError(e);
        const action = classifyFailure(err.status, err.retryAfterMs, err.code);
        switch (action.kind) {
          case 'throttled':
            summary.retries429 += 1;
            throttled(target.conversationId, action.retryAfterMs);
            if (++throttledCount < maxThrottled) continue;
            return defer(err);
          case 'transient':
            summary.retries5xx += 1;
            if (++transient < backoff.maxAttempts) {
              await timers.sleep(backoffMs(transient, backoff, random));
              continue;
            }
            return defer(err);
          case 'refind': {
            if (refound) return unreachable(err);
            refound = true;
            const next = await refind(err);
            if (next === ABANDON) return;
            if (next instanceof DeliveryError) return unreachable(next);
            if (!next) return unreachable(err);
            target = next;
            continue;
          }
          case 'blocked':
            await record('blocked', errPatch(err));
            return safely(() => run.onBlocked?.(key));
          case 'too_large':
            return record('too_large', errPatch(err));
          default:
            return record('failed', errPatch(err));
        }
      }
      if (outcome === ABANDON) return release();
      if (lateNote) return journalled(lateNote);
      return record('sent', { statusCode: 201, attempts: row.attempts + attempts, activityId: outcome.activityId, sentAt: nowIso(), lastError: '' });
    }

    /** Puts the row back for a later retry (its failure may pass), or fails it after MAX_DEFERRALS rounds. */
    async function defer(err: DeliveryError): Promise<void> {
      const rounds = (row.deferrals ?? 0) + 1;
      if (rounds > MAX_DEFERRALS) return record('failed', errPatch(err));
      const retryAt = new Date(clock.now().getTime() + deferralMs(rounds)).toISOString();
      return record('retry', { ...errPatch(err), deferrals: rounds, retryAt });
    }

    async function unreachable(err: DeliveryError): Promise<void> {
      await record('unreachable', errPatch(err));
      await safely(() => run.onUnreachable?.(key));
    }

    /**
     * The chat is gone: create the person's 1:1 chat again from their user id and tenant, store the new
     * conversation on the row, and carry on. Undefined when there is nobody to create it for (no user id: a
     * channel); the connector's error when creating failed (the person no longer has the app); ABANDON when the
     * row was taken over meanwhile.
     */
    async function refind(first: DeliveryError): Promise<DeliveryTarget | DeliveryError | undefined | typeof ABANDON> {
      if (!notifier.createPersonalConversation) return undefined;
      let person: { userId: string; tenantId?: string } | undefined = target.userId ? { userId: target.userId, tenantId: target.tenantId } : undefined;
      if (!person && run.personOf) {
        const found = await storage('look up person', () => run.personOf!(key));
        if (found === ABANDON) return ABANDON;
        person = found;
      }
      if (!person) return undefined;
      const base: DeliveryTarget = { ...target, userId: person.userId, tenantId: target.tenantId ?? person.tenantId };
      const create = notifier.createPersonalConversation.bind(notifier);
      let made: DeliveryTarget | typeof ABANDON;
      for (let tries = 1; ; tries++) {
        try {
          made = await paced(base.conversationId, false, () => {
            attempts += 1;
            return create(base);
          }, notStopping);
          break;
        } catch (e) {
          const err = asDeliveryError(e);
          const action = classifyFailure(err.status, err.retryAfterMs, err.code);
          if (action.kind === 'throttled' && tries < maxThrottled) {
            throttled(base.conversationId, action.retryAfterMs);
            continue;
          }
          if (action.kind === 'transient' && tries < backoff.maxAttempts) {
            await timers.sleep(backoffMs(tries, backoff, random));
            continue;
          }
          logger.info({ ...log, status: err.status, code: err.code, first: first.status }, 'chat gone and could not be created again');
          return err;
        }
      }
      if (made === ABANDON) return ABANDON;
      const moved = await storage('store new conversation', () => store.update(current, { conversationId: made.conversationId, userId: made.userId, refoundFrom: row.conversationId }));
      if (moved === ABANDON || !moved) return ABANDON;
      current = moved;
      logger.info({ ...log, status: first.status }, 'chat was gone; created it again');
      await safely(() => run.onRefound?.(key, made));
      return made;
    }
  }

  async function safely(fn: () => unknown): Promise<void> {
    try {
      await fn();
    } catch (e) {
      logger.error({ err: (e as Error).name }, 'delivery callback failed');
    }
  }

  const pacedNotifier: Notifier = {
    send: (target, message) => sendDirect(target, (t) => notifier.send(t, message)),
    async update(target, activityId, message) {
      await sendDirect({ ...target, userId: undefined }, (t) => notifier.update(t, activityId, message));
    },
  };

  return {
    workerId,
    limiter,
    notifier: pacedNotifier,

    async enqueue(jobId, recipients) {
      const res = await store.enqueue(jobId, recipients, nowIso());
      logger.info({ jobId, added: res.added, existing: res.existing }, 'outbox enqueued');
      return res;
    },

    async run(jobId, buildMessage, runOpts = {}) {
      const summary: RunSummary = { jobId, outcomes: {}, retries429: 0, retries5xx: 0, storageRetries: 0, aborted: false };
      const active = new Set<Promise<void>>();
      let wake: (() => void) | undefined;
      let cursor = '';
      const partitions = new Set<string>();
      const nap = (ms: number) =>
        new Promise<void>((resolve) => {
          wake = resolve;
          const t = setTimeout(resolve, ms);
          t.unref?.();
        }).finally(() => {
          wake = undefined;
        });
      // Claim about two seconds of work at a time: enough to keep the limiter busy, little to strand on a crash.
      const batchSize = () => Math.max(5, Math.min(100, Math.ceil(limiter.currentRate * 2)));
      logger.info({ jobId, workerId }, 'delivery run started');

      while (!runOpts.signal?.aborted) {
        const room = batchSize() - active.size;
        if (room < batchSize() / 2) {
          await nap(pollMs);
          continue;
        }
        let found: OutboxRow[];
        let expired = new Set<string>();
        try {
          found = await store.findClaimable(jobId, cursor, room, clock.now().getTime());
          if (found.length) {
            cursor = found[found.length - 1].rowKey;
            const fresh = found.filter((r) => !inHand.has(handKey(r)));
            // Rows whose claim ran out (their worker may have died after a send): processRow looks them up in the journal.
            expired = new Set(fresh.filter((r) => r.status === 'claimed').map(handKey));
            found = await store.claim(fresh, workerId, leaseUntil(), clock.now().getTime());
          }
        } catch (e) {
          if (!isTransientStorageError(e)) throw e;
          // Storage is down: nothing can be claimed or recorded. Rows in hand keep retrying; look again shortly.
          summary.storageRetries += 1;
          await nap(Math.max(pollMs, 1000));
          continue;
        }
        if (found.length) {
          for (const row of found) {
            partitions.add(row.partitionKey);
            inHand.add(handKey(row));
            const task: Promise<void> = processRow(row, buildMessage, runOpts, summary, expired.has(handKey(row)))
              .catch((e) => logger.error({ jobId, recipient: row.recipientKey, err: (e as Error).name }, 'delivery row failed; its claim runs out and it is retried'))
              .finally(() => {
                inHand.delete(handKey(row));
                active.delete(task);
                wake?.();
              });
            active.add(task);
          }
          continue;
        }
        if (cursor !== '') {
          cursor = ''; // end of partition: look again from the start for released, expired or due rows
          continue;
        }
        if (active.size > 0) {
          await nap(pollMs);
          continue;
        }
        let open: { open: number; claimed: number; nextAtMs?: number };
        try {
          open = await store.openSummary(jobId);
        } catch (e) {
          if (!isTransientStorageError(e)) throw e;
          summary.storageRetries += 1;
          await nap(Math.max(pollMs, 1000));
          continue;
        }
        if (open.open === 0) {
          // Every row is recorded in storage now: what the journal said about them is no longer needed.
          for (const pk of partitions) opts.journal?.forget(pk);
          break;
        }
        // Other workers hold rows (they may finish any moment, or die: look again soon), or rows only wait for a
        // retry (sleep until the first is due, looking again at least every few seconds).
        const until = (open.nextAtMs ?? 0) - clock.now().getTime();
        await nap(open.claimed > 0 ? pollMs : Math.min(pollMs * 10, 5000, Math.max(pollMs, until + 50)));
      }
      await Promise.all(active);
      summary.aborted = Boolean(runOpts.signal?.aborted);
      logger.info({ jobId, workerId, outcomes: summary.outcomes, storageRetries: summary.storageRetries, aborted: summary.aborted }, 'delivery run finished');
      return summary;
    },

    async progress(jobId) {
      return computeProgress(jobId, store, clock.now());
    },

    async reopenFailed(jobId) {
      const n = await store.reopen(jobId, RETRYABLE_FINAL_STATUSES, nowIso());
      logger.info({ jobId, reopened: n }, 'outbox rows reopened for another try');
      return n;
    },

    deliver: (target, message) => pacedNotifier.send(target, message),
  };
}

function asDeliveryError(e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const status = (e as { statusCode?: unknown })?.statusCode ?? (e as { status?: unknown })?.status;
  return new DeliveryError(typeof status === 'number' ? status : 0, (e as Error)?.message ?? 'send failed');
}

/** `http_404_ConversationNotFound`, `http_503`, `network`: a short code for the row and the report, never text. */
function errorCode(err: DeliveryError): string {
  if (!err.status) return 'network';
  const code = err.code && /^[A-Za-z][A-Za-z0-9_]{0,60}$/.test(err.code) ? `_${err.code}` : '';
  return `http_${err.status}${code}`;
}
