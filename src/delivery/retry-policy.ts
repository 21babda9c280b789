/** What to do with a failed request to the Bot Connector, decided from its HTTP status and error code. */
export type FailureAction =
  | { kind: 'throttled'; retryAfterMs: number }
  | { kind: 'transient' }
  | { kind: 'blocked' }
  | { kind: 'refind' }
  | { kind: 'too_large' }
  | { kind: 'failed' };

/** Retry-After we assume when a 429 carries none (Teams usually sends one). */
export const DEFAULT_RETRY_AFTER_MS = 1000;

/** 403 codes that say the chat itself is not there any more (rather than "the person blocked the bot"). */
const CONVERSATION_GONE_CODE = /NotFound|NotInConversationRoster/i;

/**
 * Teams semantics: 429 wait as told; no answer (status 0: network error, timeout), 401 (token trouble on our
 * side), 408, 412 and 5xx are transient and retried; 403 means the person blocked the bot, unless its code
 * says the conversation is gone; 404 means the chat no longer exists (a person's chat is created again);
 * 413 the message is over 100 KB. Anything else (400…) is a final answer for this message.
 */
export function classifyFailure(status: number, retryAfterMs?: number, code?: string): FailureAction {
  switch (status) {
    case 429:
      return { kind: 'throttled', retryAfterMs: retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : DEFAULT_RETRY_AFTER_MS };
    case 0:
    case 401:
    case 408:
    case 412:
    case 500:
    case 502:
    case 503:
    case 504:
      return { kind: 'transient' };
    case 403:
      return code && CONVERSATION_GONE_CODE.test(code) ? { kind: 'refind' } : { kind: 'blocked' };
    case 404:
      return { kind: 'refind' };
    case 413:
      return { kind: 'too_large' };
    default:
      return { kind: status >= 500 ? 'transient' : 'failed' };
  }
}

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Attempts at a transient failure inside one claim before the row is put back for a later retry. */
  maxAttempts?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 250, maxMs: 8000, maxAttempts: 5 };

/**
 * "Equal jitter" exponential backoff: half the exponential step is kept so retries never bunch at zero,
 * the other half is random so many failed rows do not retry in lock-step.
 */
export function backoffMs(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const { baseMs, maxMs } = { ...DEFAULT_BACKOFF, ...opts };
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * When a row whose transient failures outlasted one claim is tried again: 30 s, 1, 2, 4 … up to 10 minutes.
 * After `MAX_DEFERRALS` such rounds (about an hour of the connector failing for this person) the row is
 * recorded as failed with its last status, and the admin can retry it from the report.
 */
export function deferralMs(round: number): number {
  return Math.min(600_000, 30_000 * 2 ** Math.max(0, round - 1));
}
export const MAX_DEFERRALS = 9;

/** Is this a storage (Table service) failure worth retrying: no answer, throttling, or a server error. */
export function isTransientStorageError(e: unknown): boolean {
  const status = (e as { statusCode?: unknown })?.statusCode;
  if (typeof status !== 'number') return true; // ECONNREFUSED, ECONNRESET, timeouts: storage unreachable
  return status === 408 || status === 429 || status >= 500;
}
