import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Full dev-account connection string for an Azurite table endpoint on a chosen port. */
export function azuriteConnectionString(tablePort: number, queuePort?: number, host = '127.0.0.1'): string {
  const parts = [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `TableEndpoint=http://${host}:${tablePort}/${AZURITE_ACCOUNT}`,
  ];
  if (queuePort) parts.push(`QueueEndpoint=http://${host}:${queuePort}/${AZURITE_ACCOUNT}`);
  return parts.join(';') + ';';
}

/** Accepts the shapes Azure's SDK accepts: dev storage, account key, or SAS, each with parseable endpoints. */
export function connectionStringProblem(value: string): string | undefined {
  if (/^UseDevelopmentStorage=true;?$/i.test(value.trim())) return undefined;
  const pairs = value.split(';').filter((p) => p.trim() !== '');
  const map = new Map<string, string>();
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) return `"${p.slice(0, 20)}…" is not a key=value pair`;
    map.set(p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim());
  }
  const hasKey = map.has('accountname') && map.has('accountkey');
  const hasSas = map.has('sharedaccesssignature') && (map.has('tableendpoint') || map.has('accountname'));
  if (!hasKey && !hasSas) return 'needs AccountName and AccountKey, or SharedAccessSignature with TableEndpoint';
  for (const key of ['tableendpoint', 'queueendpoint', 'blobendpoint']) {
    const v = map.get(key);
    if (v !== undefined && !/^https?:\/\/[^\s/]+/.test(v)) return `${key} is not a URL`;
  }
  return undefined;
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const str = () => z.preprocess(emptyToUndefined, z.string().trim().optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(def));
const idList = () =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((s) => (s ? s.split(/[,;\s]+/).map((x) => x.trim().toLowerCase()).filter(Boolean) : [])),
  );
const httpsUrl = () =>
  z.preprocess(emptyToUndefined, z.string().url().refine((u) => u.startsWith('https://'), 'must start with https://').optional());

const schema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'test', 'production']).default('development')),
    PORT: int(3978, 0, 65535),
    BIND_HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    MAX_BODY_BYTES: int(1024 * 1024, 1024, 50 * 1024 * 1024),

    MicrosoftAppId: str(),
    MicrosoftAppPassword: str(),
    MicrosoftAppTenantId: str(),
    MicrosoftAppType: z.preprocess(
      emptyToUndefined,
      z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
    ),

    AZURE_STORAGE_CONNECTION_STRING: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .optional()
        .superRefine((v, ctx) => {
          const problem = v === undefined ? undefined : connectionStringProblem(v);
          if (problem) ctx.addIssue({ code: 'custom', message: `malformed connection string: ${problem}` });
        }),
    ),
    TABLE_PREFIX: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9]{0,19}$/, 'letters and digits only, starting with a letter, at most 20')
        .default('cscp'),
    ),
    AZURITE_LOCATION: z.preprocess(emptyToUndefined, z.string().default('.data/azurite')),
    AZURITE_TABLE_PORT: int(10002, 0, 65535),
    GUIDANCE_DIR: z.preprocess(emptyToUndefined, z.string().default('guidance')),

    ADMIN_IDS: idList(),
    TRAINER_IDS: idList(),
    ESCALATION_TEAM_IDS: idList(),
    ESCALATION_CHANNEL_ID: str(),
    ESCALATION_SLA_WORKING_HOURS: int(8, 1, 200),
    ESCALATION_URGENT_SLA_HOURS: int(1, 1, 72),

    EMERGENCY_MASH_CONTACT: str(),
    EMERGENCY_OUT_OF_HOURS_CONTACT: str(),
    SIGNPOST_WEBSITE: z.preprocess(emptyToUndefined, z.string().url().default('https://www.coventry.gov.uk/cscp')),
    SIGNPOST_TRAINING_EMAIL: z.preprocess(emptyToUndefined, z.string().email().optional()),
    SOURCE_MAX_AGE_YEARS: int(3, 0, 100),
    ANSWER_LOG_RETENTION_DAYS: int(90, 1, 3650),

    DIGEST_RATE_PER_SECOND: int(20, 1, 50),

    TRAINING_REMINDER_DAYS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('7,1')
        .transform((s) => s.split(/[,;\s]+/).filter(Boolean).map(Number))
        .refine((a) => a.every((n) => Number.isInteger(n) && n >= 0 && n <= 60), 'whole days between 0 and 60, comma-separated'),
    ),
    TRAINING_REMINDER_TIME: z.preprocess(emptyToUndefined, z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 09:00').default('09:00')),
    TRAINING_ONLINE_REMINDER_MINUTES: int(60, 0, 1440),

    OPENAI_API_KEY: str(),
    OPENAI_BASE_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
    OPENAI_MODEL: str(),
    OPENAI_EMBEDDINGS_MODEL: str(),
    AZURE_OPENAI_ENDPOINT: z.preprocess(emptyToUndefined, z.string().url().optional()),
    AZURE_OPENAI_API_KEY: str(),
    AZURE_OPENAI_DEPLOYMENT: str(),
    AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT: str(),
    MODEL_TIMEOUT_MS: int(8000, 100, 120000),

    PLAYGROUND_PORT: int(56150, 1, 65535),
    SURVEY_ALLOWED_HOSTS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('forms.office.com,forms.microsoft.com,www.smartsurvey.co.uk,www.surveymonkey.com,www.coventry.gov.uk')
        .transform((s) => s.split(/[,\s]+/).map((x) => x.trim().toLowerCase()).filter(Boolean)),
    ),
    PUBLIC_BASE_URL: httpsUrl(),
  })
  .superRefine((v, ctx) => {
    const creds = [v.MicrosoftAppId, v.MicrosoftAppPassword].filter(Boolean).length;
    if (creds === 1 && v.MicrosoftAppType !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'MicrosoftAppId and MicrosoftAppPassword must be set together' });
    }
    if (v.MicrosoftAppType === 'SingleTenant' && v.MicrosoftAppId && !v.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'required for a SingleTenant bot' });
    }
    if (v.NODE_ENV === 'production' && !v.MicrosoftAppId) {
      ctx.addIssue({
        code: 'custom',
        path: ['MicrosoftAppId'],
        message: 'production needs MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId (refusing to run without authentication)',
      });
    }
    if (v.NODE_ENV === 'production' && !v.AZURE_STORAGE_CONNECTION_STRING) {
      ctx.addIssue({ code: 'custom', path: ['AZURE_STORAGE_CONNECTION_STRING'], message: 'production needs a real storage account' });
    }
  });

type Raw = z.infer<typeof schema>;

/** Every environment key the configuration reads (env.example must document each; a test checks it). */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);

export interface Config {
  env: Raw['NODE_ENV'];
  port: number;
  bindHost: string;
  logLevel: Raw['LOG_LEVEL'];
  maxBodyBytes: number;
  auth: { appId?: string; appPassword?: string; tenantId?: string; appType: Raw['MicrosoftAppType']; enabled: boolean };
  storage: { connectionString?: string; tablePrefix: string; azuriteLocation: string; azuriteTablePort: number };
  guidanceDir: string;
  roles: { adminIds: string[]; trainerIds: string[]; escalationTeamIds: string[]; escalationChannelId?: string };
  safety: {
    mashContact?: string;
    outOfHoursContact?: string;
    website: string;
    trainingEmail?: string;
    sourceMaxAgeYears: number;
    answerLogRetentionDays: number;
  };
  delivery: { ratePerSecond: number };
  /** Automatic reminders: `reminderDays` before at `reminderTime` (London), plus minutes before for online sessions (0 = off). */
  training: { reminderDays: number[]; reminderTime: string; onlineReminderMinutes: number };
  model: {
    openaiApiKey?: string;
    openaiBaseUrl?: string;
    openaiModel?: string;
    openaiEmbeddingsModel?: string;
    azureEndpoint?: string;
    azureApiKey?: string;
    azureDeployment?: string;
    azureEmbeddingsDeployment?: string;
    timeoutMs: number;
  };
  playgroundPort: number;
  survey: { allowedHosts: string[] };
  /** Re-raise limits: normal ones in London working hours (Mon-Fri 09:00-17:00), urgent ones in clock hours. */
  escalation: { slaWorkingHours: number; urgentSlaHours: number };
  publicBaseUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function toConfig(v: Raw): Config {
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    bindHost: v.BIND_HOST,
    logLevel: v.LOG_LEVEL,
    maxBodyBytes: v.MAX_BODY_BYTES,
    auth: {
      appId: v.MicrosoftAppId,
      appPassword: v.MicrosoftAppPassword,
      tenantId: v.MicrosoftAppTenantId,
      appType: v.MicrosoftAppType,
      enabled: Boolean(v.MicrosoftAppId),
    },
    storage: {
      connectionString: v.AZURE_STORAGE_CONNECTION_STRING,
      tablePrefix: v.TABLE_PREFIX,
      azuriteLocation: v.AZURITE_LOCATION,
      azuriteTablePort: v.AZURITE_TABLE_PORT,
    },
    guidanceDir: v.GUIDANCE_DIR,
    roles: {
      adminIds: v.ADMIN_IDS,
      trainerIds: v.TRAINER_IDS,
      escalationTeamIds: v.ESCALATION_TEAM_IDS,
      escalationChannelId: v.ESCALATION_CHANNEL_ID,
    },
    safety: {
      mashContact: v.EMERGENCY_MASH_CONTACT,
      outOfHoursContact: v.EMERGENCY_OUT_OF_HOURS_CONTACT,
      website: v.SIGNPOST_WEBSITE,
      trainingEmail: v.SIGNPOST_TRAINING_EMAIL,
      sourceMaxAgeYears: v.SOURCE_MAX_AGE_YEARS,
      answerLogRetentionDays: v.ANSWER_LOG_RETENTION_DAYS,
    },
    delivery: { ratePerSecond: v.DIGEST_RATE_PER_SECOND },
    training: {
      reminderDays: [...new Set(v.TRAINING_REMINDER_DAYS)].sort((a, b) => b - a),
      reminderTime: v.TRAINING_REMINDER_TIME,
      onlineReminderMinutes: v.TRAINING_ONLINE_REMINDER_MINUTES,
    },
    model: {
      openaiApiKey: v.OPENAI_API_KEY,
      openaiBaseUrl: v.OPENAI_BASE_URL,
      openaiModel: v.OPENAI_MODEL,
      openaiEmbeddingsModel: v.OPENAI_EMBEDDINGS_MODEL,
      azureEndpoint: v.AZURE_OPENAI_ENDPOINT,
      azureApiKey: v.AZURE_OPENAI_API_KEY,
      azureDeployment: v.AZURE_OPENAI_DEPLOYMENT,
      azureEmbeddingsDeployment: v.AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT,
      timeoutMs: v.MODEL_TIMEOUT_MS,
    },
    playgroundPort: v.PLAYGROUND_PORT,
    survey: { allowedHosts: v.SURVEY_ALLOWED_HOSTS },
    escalation: { slaWorkingHours: v.ESCALATION_SLA_WORKING_HOURS, urgentSlaHours: v.ESCALATION_URGENT_SLA_HOURS },
    publicBaseUrl: v.PUBLIC_BASE_URL,
  };
}

/**
 * Validates the environment (plus an optional `.env` file, whose values lose to real variables)
 * and returns the typed configuration; throws ConfigError listing every problem, one per line.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, dotenvPath?: string): Config {
  let merged: Record<string, string | undefined> = env;
  const file = dotenvPath ?? (env === process.env ? path.resolve('.env') : undefined);
  if (file && fs.existsSync(file)) {
    merged = { ...parseDotenv(fs.readFileSync(file)), ...env };
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`),
    );
  }
  return toConfig(result.data);
}

/**
 * For process entry points (the bot, npm start, the CLIs): the configuration, or one readable line per problem
 * on stderr and exit code 1.
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`Cannot start: the configuration has ${e.problems.length} problem(s):\n${e.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
}

/**
 * NODE_ENV as declared, before the rest is validated: a local-only tool (npm run demo) refuses production with its
 * own message rather than production's list of missing credentials.
 */
export function declaredEnvironment(env: Record<string, string | undefined> = process.env): string {
  return (env.NODE_ENV ?? '').trim() || 'development';
}

/** A valid configuration for tests, with keys overridden as environment strings. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...overrides });
}

/** Reads package.json's version without importing it (dist/ sits one level deeper than src/). */
export function appVersion(): string {
  for (const candidate of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', 'package.json')]) {
    try {
      return JSON.parse(fs.readFileSync(candidate, 'utf8')).version as string;
    } catch {
      /* try the next */
    }
  }
  return '0.0.0';
}
