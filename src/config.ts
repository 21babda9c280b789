import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { DEFAULT_PARSE_LIMITS } from './knowledge/parse/limits';

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

/**
 * The Bot Connector hosts Teams sends as `serviceUrl` (public cloud, GCC, GCC High, DoD). Replies and proactive
 * messages carry the bot's token, so they go to these hosts only (plus loopback in development and tests).
 */
export const TEAMS_CONNECTOR_HOSTS = [
  'smba.trafficmanager.net',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
] as const;

/** True for an address that only this machine can reach. */
export const isLoopbackHost = (host: string): boolean => /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i.test(host.trim());

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
const hostList = (def: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(def)
      .transform((s) => s.split(/[,\s]+/).map((x) => x.trim().toLowerCase()).filter(Boolean)),
  );
const bool = (def: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(def ? 'true' : 'false')
      .transform((s) => s === 'true' || s === '1' || s === 'yes'),
  );
const httpsUrl = () =>
  z.preprocess(emptyToUndefined, z.string().url().refine((u) => u.startsWith('https://'), 'must start with https://').optional());

const schema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'test', 'production']).default('development')),
    PORT: int(3978, 0, 65535),
    BIND_HOST: str(),
    ALLOW_UNAUTHENTICATED_NETWORK: bool(false),
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

    ALLOWED_TENANT_IDS: idList(),
    ALLOWED_SERVICE_URL_HOSTS: hostList(TEAMS_CONNECTOR_HOSTS.join(',')),
    BOT_OPENID_METADATA_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
    AUTH_TIMEOUT_MS: int(10_000, 500, 60_000),

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
    ESCALATION_RETENTION_DAYS: int(730, 30, 3650),
    SURVEY_LOG_RETENTION_DAYS: int(730, 30, 3650),

    MAX_MESSAGE_CHARS: int(10_000, 200, 100_000),
    MAX_FIELD_CHARS: int(4000, 200, 100_000),
    USER_MESSAGES_PER_MINUTE: int(20, 1, 600),
    MAX_FILE_BYTES: int(10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    DOCX_MAX_UNCOMPRESSED_BYTES: int(DEFAULT_PARSE_LIMITS.docxUncompressedBytes, 1024 * 1024, 1024 * 1024 * 1024),
    PDF_MAX_PAGES: int(DEFAULT_PARSE_LIMITS.pdfPages, 1, 5000),
    PDF_TIMEOUT_MS: int(DEFAULT_PARSE_LIMITS.pdfTimeoutMs, 1000, 300_000),
    FILE_TIMEOUT_MS: int(30_000, 1000, 300_000),
    FILE_HOSTS: hostList('*.sharepoint.com'),

    DIGEST_RATE_PER_SECOND: int(20, 1, 50),
    DELIVERY_JOURNAL_DIR: z.preprocess(emptyToUndefined, z.string().default('.data/delivery-journal')),

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
    EMBEDDINGS_BATCH_SIZE: int(64, 1, 2048),
    EMBEDDINGS_INGEST_TIMEOUT_MS: int(60_000, 1000, 600_000),

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
    if (!v.MicrosoftAppId && !isLoopbackHost(v.BIND_HOST ?? '127.0.0.1') && !v.ALLOW_UNAUTHENTICATED_NETWORK) {
      ctx.addIssue({
        code: 'custom',
        path: ['BIND_HOST'],
        message: 'authentication is off (no MicrosoftAppId), so the bot listens on loopback only; set the Bot Framework credentials, or ALLOW_UNAUTHENTICATED_NETWORK=true for a private test network',
      });
    }
    if (v.NODE_ENV === 'production' && v.ALLOW_UNAUTHENTICATED_NETWORK) {
      ctx.addIssue({ code: 'custom', path: ['ALLOW_UNAUTHENTICATED_NETWORK'], message: 'not allowed in production' });
    }
    if (v.NODE_ENV === 'production' && !v.MicrosoftAppTenantId && v.ALLOWED_TENANT_IDS.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['ALLOWED_TENANT_IDS'], message: 'production needs ALLOWED_TENANT_IDS or MicrosoftAppTenantId (refusing to serve every tenant)' });
    }
    const metadata = v.BOT_OPENID_METADATA_URL;
    if (metadata && !metadata.startsWith('https://') && !(v.NODE_ENV !== 'production' && isLoopbackHost(new URL(metadata).hostname))) {
      ctx.addIssue({ code: 'custom', path: ['BOT_OPENID_METADATA_URL'], message: 'must be https (plain http only on loopback outside production)' });
    }
    if (v.AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT && v.OPENAI_EMBEDDINGS_MODEL) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_EMBEDDINGS_MODEL'], message: 'set one embeddings model: AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT or OPENAI_EMBEDDINGS_MODEL, not both' });
    }
    if (v.AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT && !(v.AZURE_OPENAI_ENDPOINT && v.AZURE_OPENAI_API_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT'], message: 'needs AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY' });
    }
    if (v.AZURE_OPENAI_ENDPOINT && !v.AZURE_OPENAI_ENDPOINT.startsWith('https://')) {
      ctx.addIssue({ code: 'custom', path: ['AZURE_OPENAI_ENDPOINT'], message: 'must be https' });
    }
    // OpenAI itself needs a key; a local server (Ollama, llama.cpp, vLLM) usually needs none but must be named.
    if (v.OPENAI_EMBEDDINGS_MODEL && !v.OPENAI_API_KEY && !v.OPENAI_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_EMBEDDINGS_MODEL'], message: 'needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (a local OpenAI-compatible server)' });
    }
    // Questions can describe a child: in production they never leave the machine unencrypted.
    const base = v.OPENAI_BASE_URL;
    if (base && v.NODE_ENV === 'production' && !base.startsWith('https://') && !isLoopbackHost(new URL(base).hostname)) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_BASE_URL'], message: 'must be https in production (plain http only on loopback)' });
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
  auth: {
    appId?: string;
    appPassword?: string;
    tenantId?: string;
    appType: Raw['MicrosoftAppType'];
    enabled: boolean;
    /** Where botbuilder fetches the Bot Connector's signing keys (unset: Microsoft's public cloud). */
    openIdMetadataUrl?: string;
    /** Longest wait for the signing keys before a request is answered 503. */
    timeoutMs: number;
  };
  /** Who may reach the bot and where it may call out. */
  trust: {
    /** Tenants whose people may use the bot; empty means any (local use only: production refuses it). */
    allowedTenantIds: string[];
    /** Hosts a `serviceUrl` may name (https); loopback http is allowed only when `allowLoopback`. */
    serviceUrlHosts: string[];
    allowLoopback: boolean;
    /** Hosts (`*.` wildcards) the bot downloads attached files from and uploads CSV files to. */
    fileHosts: string[];
  };
  /** Input limits: message and field lengths, a per-person message rate, file sizes, pages and time-outs. */
  limits: {
    messageChars: number;
    fieldChars: number;
    messagesPerMinute: number;
    fileBytes: number;
    docxUncompressedBytes: number;
    pdfPages: number;
    pdfTimeoutMs: number;
    fileTimeoutMs: number;
  };
  /** Days each store keeps what people told it (escalations: days after they were resolved). */
  retention: { answerLogDays: number; escalationDays: number; surveyLogDays: number };
  storage: { connectionString?: string; tablePrefix: string; azuriteLocation: string; azuriteTablePort: number };
  guidanceDir: string;
  roles: { adminIds: string[]; trainerIds: string[]; escalationTeamIds: string[]; escalationChannelId?: string };
  safety: {
    mashContact?: string;
    outOfHoursContact?: string;
    website: string;
    trainingEmail?: string;
    sourceMaxAgeYears: number;
  };
  /** `journalDir`: where accepted sends are noted before the outbox write (src/delivery/sent-journal.ts); shared by all instances in production. */
  delivery: { ratePerSecond: number; journalDir: string };
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
    /** How long a model call on a person's turn may take (an answer, a question's embedding). */
    timeoutMs: number;
    /** Passages per embeddings request at ingest (the API allows 2048; local servers want fewer). */
    embeddingsBatchSize: number;
    /** How long one embeddings request at ingest may take (it runs in the background, never on a turn). */
    embeddingsIngestTimeoutMs: number;
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
    bindHost: v.BIND_HOST ?? (v.MicrosoftAppId ? '0.0.0.0' : '127.0.0.1'),
    logLevel: v.LOG_LEVEL,
    maxBodyBytes: v.MAX_BODY_BYTES,
    auth: {
      appId: v.MicrosoftAppId,
      appPassword: v.MicrosoftAppPassword,
      tenantId: v.MicrosoftAppTenantId,
      appType: v.MicrosoftAppType,
      enabled: Boolean(v.MicrosoftAppId),
      openIdMetadataUrl: v.BOT_OPENID_METADATA_URL,
      timeoutMs: v.AUTH_TIMEOUT_MS,
    },
    trust: {
      allowedTenantIds: v.ALLOWED_TENANT_IDS.length ? v.ALLOWED_TENANT_IDS : v.MicrosoftAppTenantId ? [v.MicrosoftAppTenantId.toLowerCase()] : [],
      serviceUrlHosts: v.ALLOWED_SERVICE_URL_HOSTS,
      allowLoopback: v.NODE_ENV !== 'production',
      fileHosts: v.FILE_HOSTS,
    },
    limits: {
      messageChars: v.MAX_MESSAGE_CHARS,
      fieldChars: v.MAX_FIELD_CHARS,
      messagesPerMinute: v.USER_MESSAGES_PER_MINUTE,
      fileBytes: v.MAX_FILE_BYTES,
      docxUncompressedBytes: v.DOCX_MAX_UNCOMPRESSED_BYTES,
      pdfPages: v.PDF_MAX_PAGES,
      pdfTimeoutMs: v.PDF_TIMEOUT_MS,
      fileTimeoutMs: v.FILE_TIMEOUT_MS,
    },
    retention: {
      answerLogDays: v.ANSWER_LOG_RETENTION_DAYS,
      escalationDays: v.ESCALATION_RETENTION_DAYS,
      surveyLogDays: v.SURVEY_LOG_RETENTION_DAYS,
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
    },
    delivery: { ratePerSecond: v.DIGEST_RATE_PER_SECOND, journalDir: v.DELIVERY_JOURNAL_DIR },
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
      embeddingsBatchSize: v.EMBEDDINGS_BATCH_SIZE,
      embeddingsIngestTimeoutMs: v.EMBEDDINGS_INGEST_TIMEOUT_MS,
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
  // Journals of test runs go to the system's temporary folder, not the working copy's .data/.
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DELIVERY_JOURNAL_DIR: path.join(os.tmpdir(), 'cscp-test-delivery-journal'), ...overrides });
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
