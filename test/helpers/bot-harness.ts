import { randomUUID } from 'node:crypto';
import { testConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { Clock } from '../../src/clock';
import { startBot, type RunningBot, type StartOptions } from '../../bot/main';
import { CaptureConnector } from './connector';
import { testConnectionString, uniquePrefix } from './storage';

export interface TestUser {
  id: string;
  aadObjectId: string;
  name: string;
}

export function makeUser(name = 'Pat Practitioner', aadObjectId = randomUUID()): TestUser {
  return { id: `29:${aadObjectId.slice(0, 8)}`, aadObjectId, name };
}

export interface TestBot {
  bot: RunningBot;
  connector: CaptureConnector;
  config: Config;
  url: string;
  /**
   * POSTs one activity; resolves after the HTTP response and after the bookkeeping it queued (answer log, stored
   * conversation) is written, so a test can read storage at once. The response itself never waits for it.
   */
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** A 1:1 message from `user`; resolves after the bot's turn has completed. */
  say(user: TestUser, text: string, extra?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  /** An Action.Submit from a card. */
  submit(user: TestUser, value: Record<string, unknown>, replyToId?: string): Promise<{ status: number; body: any }>;
  /** A 1:1 activity from `user` in tenant-1, as `say`, `submit` and `invoke` send it, with `extra` over it. */
  activity(user: TestUser, extra?: Record<string, unknown>): Record<string, unknown>;
  /** An invoke activity (feedback, card actions) from the person's 1:1 chat; `extra` overrides fields (another conversation, replyToId). */
  invoke(user: TestUser, name: string, value: Record<string, unknown>, extra?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  personalConversationId(user: TestUser): string;
  stop(): Promise<void>;
}

/** Starts the real server on port 0 against the suite's own Azurite prefix, plus a capture connector. */
export async function startTestBot(
  env: Record<string, string> = {},
  opts: StartOptions & { clock?: Clock; configure?: (config: Config) => void } = {},
): Promise<TestBot> {
  const connector = await new CaptureConnector().start();
  const config = testConfig({
    PORT: '0',
    BIND_HOST: '127.0.0.1',
    AZURE_STORAGE_CONNECTION_STRING: testConnectionString(),
    TABLE_PREFIX: uniquePrefix(),
    // Suites drive one person through whole journeys in seconds; the per-person limit has its own tests.
    USER_MESSAGES_PER_MINUTE: '600',
    ...env,
  });
  opts.configure?.(config);
  const bot = await startBot(config, { logger: createLogger('silent'), noSchedulers: true, ...opts });
  const url = `http://127.0.0.1:${bot.port}`;
  const tenantId = 'tenant-1';
  const personalConversationId = (u: TestUser) => `a:personal-${u.aadObjectId}`;

  const post: TestBot['post'] = async (activity, headers = {}) => {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    await bot.deps.bookkeeping.idle();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  };

  const base = (user: TestUser) => ({
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: connector.url,
    timestamp: new Date().toISOString(),
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: '28:bot', name: 'CSCP' },
    conversation: { id: personalConversationId(user), conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    locale: 'en-GB',
  });

  return {
    bot,
    connector,
    config,
    url,
    post,
    say: (user, text, extra = {}) => post({ ...base(user), type: 'message', text, ...extra }),
    submit: (user, value, replyToId) => post({ ...base(user), type: 'message', value, ...(replyToId ? { replyToId } : {}) }),
    activity: (user, extra = {}) => ({ ...base(user), ...extra }),
    invoke: (user, name, value, extra = {}) => post({ ...base(user), type: 'invoke', name, value, ...extra }),
    personalConversationId,
    async stop() {
      await bot.stop();
      await bot.deps.tables.dropAll();
      await connector.stop();
    },
  };
}
