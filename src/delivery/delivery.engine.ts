import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Tables } from '../storage/tables';
import { DeliveryError, type DeliveryTarget, type Notifier, type OutgoingMessage, type SendOutcome } from './notifier';
import { OutboxStore, type OutboxRecipient, type OutboxRow, type OutboxStatus } from './outbox.store';
import { ConversationRateLimiter, GlobalRateLimiter, TEAMS_CONVERSATION_LIMITS, realTimers, type LimiterTimers } from './rate-limiter';
import { backoffMs, classifyFailure, DEFAULT_BACKOFF, type BackoffOptions } from './retry-policy';
import { computeProgress, type DeliveryProgress } from './delivery.progress';

export type { DeliveryProgress } from './delivery.progress';
export type { OutboxRecipient, OutboxStatus } from './outbox.store';

export interface DeliveryEngineOptions {
  tables: Tables;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  /** Global pace for this process (Teams: 50/s per app per tenant; the product default is 20). */
  ratePerSecond: number;
  /** Identifies this worker in claims; random by default. */
  workerId?: string;
  /** How long a claim protects a row. A crashed worker's rows are taken over after this. */
  leaseMs?: number;
  backoff?: BackoffOptions;
  /** Give up on a row after this many 429s in a row. */
  maxThrottledAttempts?: number;
  /** How often an idle worker looks again when other workers still hold rows. */
  pollMs?: number;
  /** Timing for pacing and backoff (tests may speed it up). Lease instants come from `clock`. */
  timers?: LimiterTimers;
  conversationLimits?: readonly (readonly [number, number])[];
  random?: () => number;
}

export interface RunOptions {
  /** Checked just before a row is sent; false marks it `skipped` (e.g. the person unsubscribed). */
  shouldSend?(recipientKey: string): boolean | Promise<boolean>;
  /** 403: the user blocked or removed the bot. Digests unsubscribe the person here. */
  onBlocked?(recipientKey: string): void | Promise<void>;
  /** 404: the conversation no longer exists. */
  onGone?(recipientKey: string): void | Promise<void>;
  /** Stops the run: no new claims, no new sends; rows claimed but unsent are released. */
  signal?: AbortSignal;
}

export interface RunSummary {
  jobId: string;
  /** Rows this run finished, by outcome. */
  outcomes: Partial<Record<OutboxStatus, number>>;
  retries429: number;
  retries5xx: number;
  aborted: boolean;
}

export interface DeliveryEngine {
  readonly workerId: string;
  /** Writes one pending outbox row per recipient; rows that already exist are left as they are. */
  enqueue(jobId: string, recipients: OutboxRecipient[]): Promise<{ added: number; existing: number }>;
  /**
   * Sends every open row of the job (pending, or claimed by a worker whose lease ran out) and resolves
   * when no row is open any more. Safe to run on several workers at once and to re-run after a crash.
   */
  run(jobId: string, buildMessage: (recipientKey: string) => OutgoingMessage | Promise<OutgoingMessage>, opts?: RunOptions): Promise<RunSummary>;
  /** Counts, rate and ETA, read from the outbox rows (so any instance can report on any job). */
  progress(jobId: string): Promise<DeliveryProgress>;
  /** One message outside any outbox (an escalation card), with the same pacing and retry policy. */
  deliver(target: DeliveryTarget, message: OutgoingMessage): Promise<SendOutcome>;
  readonly limiter: GlobalRateLimiter;
}

/**
 * The delivery engine shared by digests, training reminders and escalation notifications.
 *
 * Exactly-once boundary: a row is marked `sent` by the first write after the connector answers.
 * If the process dies after Teams accepted the message but before that write lands (a few
 * milliseconds: one HTTP response plus one Table write), the row's claim expires and another worker
 * sends it again. That at-least-once window cannot be closed without an idempotency key on the
 * connector, which Teams does not offer; everything else (restarts, two workers) is exactly once.
 */
export function createDeliveryEngine(opts: DeliveryEngineOptions): DeliveryEngine {
  const store = new OutboxStore(opts.tables.client('Outbox'));
  const { notifier, clock, logger } = opts;
  const workerId = opts.workerId ?? `w-${randomBytes(4).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? 20_000;
  // Renew a claim before a send when less than this is left, so a slow queue never sends on an expired claim.
  const renewBelowMs = Math.min(8000, leaseMs / 2);
  const timers = opts.timers ?? realTimers;
  const backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  const maxThrottled = opts.maxThrottledAttempts ?? 10;
  const pollMs = opts.pollMs ?? 500;
  const random = opts.random ?? Math.random;
  const limiter = new GlobalRateLimiter({ ratePerSecond: opts.ratePerSecond, timers });
  const perConversation = new ConversationRateLimiter(opts.conversationLimits ?? TEAMS_CONVERSATION_LIMITS, timers);

  const nowIso = () => clock.now().toISOString();
  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs).toISOString();

  /** Sends once with pacing; retries transient failures; throws the last DeliveryError otherwise. */
  async function sendPaced(
    target: DeliveryTarget,
    message: OutgoingMessage,
    counters: { retries429: number; retries5xx: number; attempts: number },
    beforeSend?: () => Promise<boolean>,
  ): Promise<SendOutcome | undefined> {
    let throttled = 0;
    let transient = 0;
    for (;;) {
      await perConversation.acquire(target.conversationId);
      await limiter.acquire();
      if (beforeSend && !(await beforeSend())) return undefined;
      counters.attempts += 1;
      try {
        return await notifier.send(target, message);
      } catch (e) {
        const err = toDeliveryError(e);
        const action = classifyFailure(err.status, err.retryAfterMs);
        if (action.kind === 'throttled' && ++throttled < maxThrottled) {
          counters.retries429 += 1;
          limiter.penalise(action.retryAfterMs);
          continue;
        }
        if (action.kind === 'retry' && ++transient < backoff.maxAttempts) {
          counters.retries5xx += 1;
          await timers.sleep(backoffMs(transient, backoff, random));
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
  ): Promise<void> {
    let current: OutboxRow = row;
    const finish = async (status: OutboxStatus, patch: Partial<OutboxRow> = {}) => {
      const p = { status, claimedBy: undefined, claimedUntil: undefined, updatedAt: nowIso(), ...patch };
      const done = await store.update(current, p);
      if (!done && status === 'sent') {
        // Our claim was overtaken while the send was in flight: the send happened, so record it anyway.
        logger.warn({ jobId: row.jobId, recipient: row.recipientKey }, 'claim lost during send; recording sent');
        await store.force(current, p);
      }
      summary.outcomes[status] = (summary.outcomes[status] ?? 0) + 1;
    };

    let message: OutgoingMessage;
    try {
      message = await build(row.recipientKey);
    } catch (e) {
      logger.error({ jobId: row.jobId, recipient: row.recipientKey, err: (e as Error).name }, 'message build failed');
      return finish('failed', { lastError: 'build', attempts: row.attempts });
    }
    const target: DeliveryTarget = {
      conversationId: row.conversationId,
      serviceUrl: row.serviceUrl,
      tenantId: row.tenantId,
      channelId: row.channelId,
    };
    const counters = { retries429: 0, retries5xx: 0, attempts: 0 };
    let released = false;
    let skipped = false;
    let checked = false;
    const beforeSend = async () => {
      // Checked after the pacing wait, right before the first attempt, so an unsubscribe that lands while
      // the row waits in the queue still counts.
      if (!checked && run.shouldSend) {
        checked = true;
        if (!(await run.shouldSend(row.recipientKey))) {
          skipped = true;
          return false;
        }
      }
      if (run.signal?.aborted) {
        released = true;
        await store.update(current, { status: 'pending', claimedBy: undefined, claimedUntil: undefined });
        return false;
      }
      if (new Date(current.claimedUntil ?? 0).getTime() - clock.now().getTime() < renewBelowMs) {
        const renewed = await store.update(current, { claimedUntil: leaseUntil() });
        if (!renewed) {
          released = true; // another worker took the row over: it is theirs now
          return false;
        }
        current = renewed;
      }
      return true;
    };
    try {
      const outcome = await sendPaced(target, message, counters, beforeSend);
      if (skipped) return finish('skipped');
      if (released || !outcome) return;
      await finish('sent', { statusCode: 201, attempts: row.attempts + counters.attempts, activityId: outcome.activityId, sentAt: nowIso(), lastError: undefined });
    } catch (e) {
      const err = toDeliveryError(e);
      const action = classifyFailure(err.status, err.retryAfterMs);
      const patch = { statusCode: err.status, attempts: row.attempts + counters.attempts, lastError: err.status ? `http_${err.status}` : 'network' };
      if (action.kind === 'blocked') {
        await finish('blocked', patch);
        await safely(() => run.onBlocked?.(row.recipientKey));
      } else if (action.kind === 'gone') {
        await finish('gone', patch);
        await safely(() => run.onGone?.(row.recipientKey));
      } else if (action.kind === 'too_large') {
        await finish('too_large', patch);
      } else {
        await finish('failed', patch);
      }
    } finally {
      summary.retries429 += counters.retries429;
      summary.retries5xx += counters.retries5xx;
    }
  }

  async function safely(fn: () => unknown): Promise<void> {
    try {
      await fn();
    } catch (e) {
      logger.error({ err: (e as Error).name }, 'delivery callback failed');
    }
  }

  return {
    workerId,
    limiter,

    async enqueue(jobId, recipients) {
      const res = await store.enqueue(jobId, recipients, nowIso());
      logger.info({ jobId, added: res.added, existing: res.existing }, 'outbox enqueued');
      return res;
    },

    async run(jobId, buildMessage, runOpts = {}) {
      const summary: RunSummary = { jobId, outcomes: {}, retries429: 0, retries5xx: 0, aborted: false };
      const active = new Set<Promise<void>>();
      let wake: (() => void) | undefined;
      let cursor = '';
      // Claim about two seconds of work at a time: enough to keep the limiter busy, little to strand on a crash.
      const batchSize = () => Math.max(5, Math.min(100, Math.ceil(limiter.currentRate * 2)));
      logger.info({ jobId, workerId }, 'delivery run started');

      while (!runOpts.signal?.aborted) {
        const room = batchSize() - active.size;
        if (room >= batchSize() / 2) {
          const found = await store.findClaimable(jobId, cursor, room, clock.now().getTime());
          if (found.length) {
            cursor = found[found.length - 1].rowKey;
            const claimed = await store.claim(found, workerId, leaseUntil(), clock.now().getTime());
            for (const row of claimed) {
              const task: Promise<void> = processRow(row, buildMessage, runOpts, summary)
                .catch((e) => logger.error({ jobId, recipient: row.recipientKey, err: (e as Error).message }, 'delivery row failed'))
                .finally(() => {
                  active.delete(task);
                  wake?.();
                });
              active.add(task);
            }
            continue;
          }
          if (cursor !== '') {
            cursor = ''; // end of partition: look again from the start for released or expired claims
            continue;
          }
          if (active.size === 0) {
            if ((await store.countOpen(jobId)) === 0) break;
            await timers.sleep(pollMs); // other workers hold the rest; take over if their leases run out
            continue;
          }
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          const t = setTimeout(resolve, pollMs);
          t.unref?.();
        });
        wake = undefined;
      }
      await Promise.all(active);
      summary.aborted = Boolean(runOpts.signal?.aborted);
      logger.info({ jobId, workerId, outcomes: summary.outcomes, aborted: summary.aborted }, 'delivery run finished');
      return summary;
    },

    async progress(jobId) {
      return computeProgress(jobId, store, clock.now());
    },

    async deliver(target, message) {
      const outcome = await sendPaced(target, message, { retries429: 0, retries5xx: 0, attempts: 0 });
      return outcome ?? {};
    },
  };
}

function toDeliveryError(e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const status = (e as { statusCode?: unknown; status?: unknown })?.statusCode ?? (e as { status?: unknown })?.status;
  return new DeliveryError(typeof status === 'number' ? status : 0, (e as Error)?.message ?? 'send failed');
}
