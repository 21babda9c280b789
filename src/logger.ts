import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may hold free text about a child or a practitioner. Safeguarding rule: ids are logged,
 * words are not, whatever level is configured.
 */
export const REDACT_PATHS = [
  'text',
  'question',
  'answer',
  'name',
  'email',
  'details',
  'comment',
  'body',
  '*.text',
  '*.question',
  '*.answer',
  '*.name',
  '*.email',
  '*.details',
  '*.comment',
  '*.body',
  'activity.text',
  'activity.value',
  'activity.from.name',
  'req.headers.authorization',
  'headers.authorization',
];

/** An error's class, code or HTTP status: what may be logged about it. Never its message (it can quote input). */
export function errorFields(e: unknown): { err: string; code?: string; status?: number } {
  const x = e as { name?: unknown; code?: unknown; statusCode?: unknown; status?: unknown } | undefined;
  const status = typeof x?.statusCode === 'number' ? x.statusCode : typeof x?.status === 'number' ? x.status : undefined;
  return {
    err: typeof x?.name === 'string' ? x.name : 'Error',
    ...(typeof x?.code === 'string' && IDENTIFIER.test(x.code) ? { code: x.code } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

/** An error name, code or tag ("TypeError", "ECONNREFUSED", "http_503"): anything else is free text. */
const IDENTIFIER = /^[A-Za-z][\w.:-]{0,60}$/;

/**
 * The last line of defence for the rule above: an `err`/`error` field that is free text (an error message)
 * or an Error object is reduced to its class and code before the line is written, whoever logged it.
 */
export function scrubErrorFields(o: Record<string, unknown>): Record<string, unknown> {
  let out = o;
  for (const key of ['err', 'error']) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    let safe: unknown = v;
    if (typeof v === 'string') safe = IDENTIFIER.test(v) ? v : '[redacted]';
    else if (v instanceof Error) safe = errorFields(v);
    else if (typeof v === 'object') {
      const { message: _m, stack, ...rest } = v as Record<string, unknown>;
      safe = { ...rest, ...(typeof stack === 'string' ? { stack: stack.split('\n').slice(1).join('\n') } : {}) };
    }
    if (safe !== v) out = { ...out, [key]: safe };
  }
  return out;
}

/** JSON logger with redaction; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'cscp-bot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: scrubErrorFields },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
