/** What to do with a failed send, decided from the connector's HTTP status alone. */
export type FailureAction =
  | { kind: 'throttled'; retryAfterMs: number }
  | { kind: 'retry' }
  | { kind: 'blocked' }
  | { kind: 'gone' }
  | { kind: 'too_large' }
  | { kind: 'failed' };

/** Retry-After we assume when a 429 carries none (Teams usually sends one). */
export const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * Teams semantics: 429 wait as told; 412/502/503/504 and network errors (status 0) are transient;
 * 403 means the user blocked or removed the bot; 404 the conversation no longer exists; 413 the
 * message is over 100 KB. Everything else is a permanent failure for this message.
 */
export function classifyFailure(status: number, retryAfterMs?: number): FailureAction {
  switch (status) {
    case 429:
      return { kind: 'throttled', retryAfterMs: retryAfterMs && retryAfterMs > 0 ? retryAfterMs : DEFAULT_RETRY_AFTER_MS };
    case 0:
    case 412:
    case 502:
    case 503:
    case 504:
      return { kind: 'retry' };
    case 403:
      return { kind: 'blocked' };
    case 404:
      return { kind: 'gone' };
    case 413:
      return { kind: 'too_large' };
    default:
      return { kind: 'failed' };
  }
}

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Total attempts for transient failures (429s are counted separately, see maxThrottledAttempts). */
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
