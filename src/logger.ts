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

/** JSON logger with redaction; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'cscp-bot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
