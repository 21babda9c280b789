import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import { captureConversation } from './conversation-capture';
import type { BotDeps, Command, FeatureModule, SubmitHandler } from './deps';
import { sendHelp } from './features/core.feature';
import { isPersonal } from './turn';
import type { Intent } from '../src/knowledge/knowledge.types';
import { commandWord } from '../src/knowledge/understand/intent.classifier';
import { createTurnGate } from './turn-gate';

export interface AppOptions {
  deps: BotDeps;
  modules: FeatureModule[];
}

/** Strips a leading slash and the bot's own mention leftovers so `/help`, `@CSCP help` and `help` are one command. */
export function normaliseCommandText(text: string | undefined): string {
  return (text ?? '').replace(/<at>[^<]*<\/at>/gi, '').replace(/\u00a0/g, ' ').trim().replace(/^\//, '').trim();
}

/** The teams-ai Application with the product's routing: typed commands, card submits, intents, then Q&A. */
export function createApp(opts: AppOptions): Application<TurnState> {
  const { deps } = opts;
  const app = new Application<TurnState>({
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
    botAppId: deps.config.auth.appId ?? '',
  } as never);

  const commands: Command[] = opts.modules.flatMap((m) => m.commands ?? []);
  const submits = new Map<string, SubmitHandler>();
  for (const m of opts.modules) for (const s of m.submits ?? []) submits.set(s.verb, s);
  const intents: Record<string, string> = Object.assign({}, ...opts.modules.map((m) => m.intents ?? {}));
  const byName = new Map(commands.map((c) => [c.name, c]));
  const fallback = opts.modules.find((m) => m.fallback)?.fallback;
  const detectIntent = opts.modules.find((m) => m.detectIntent)?.detectIntent;

  const admit = createTurnGate(deps);
  app.turn('beforeTurn', async (ctx) => {
    // Tenant, message rate and field lengths first: a refused turn stores nothing, not even its reference.
    if (!(await admit(ctx))) return false;
    // Queued, not awaited: the reply and the HTTP response never wait on this storage write.
    captureConversation(ctx, deps);
    const a = ctx.activity;
    // An invoke without a value can't be routed by any handler (teams-ai's selectors read value.*): answer 400.
    if (a.type === ActivityTypes.Invoke && (a.value === undefined || a.value === null)) {
      deps.logger.warn({ activityId: a.id, invoke: a.name }, 'invoke without value');
      await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 400, body: { error: 'missing value' } } });
      return false;
    }
    return true;
  });

  app.conversationUpdate('membersAdded', async (ctx) => {
    const botId = ctx.activity.recipient?.id;
    const added = ctx.activity.membersAdded ?? [];
    // Welcome when the bot is installed (it is among the members added), or when a person joins a 1:1 chat with it.
    const botAdded = added.some((m) => m.id === botId);
    if (botAdded || (isPersonal(ctx) && added.length > 0)) await sendHelp(ctx, deps, { greeting: true });
  });

  for (const m of opts.modules) m.register?.(app);

  app.activity(ActivityTypes.Message, async (ctx) => {
    const a = ctx.activity;
    const value = a.value as Record<string, unknown> | undefined;
    if (value && typeof value === 'object' && typeof value.verb === 'string') {
      return runSubmit(ctx, value);
    }
    const raw = normaliseCommandText(a.text);
    if (!raw) {
      if (a.attachments?.length) return runNamed(ctx, 'attachment', '') ?? sendHelp(ctx, deps, { notice: 'I can only read text messages here.' });
      return sendHelp(ctx, deps, { notice: 'I didn’t catch a question there. Type a question in your own words, or pick an option below.' });
    }
    const max = deps.config.limits.messageChars;
    const text = raw.length > max ? raw.slice(0, max) : raw;
    const command = commands.find((c) => c.pattern.test(text));
    if (command) {
      await commandStarts(ctx);
      return command.run(ctx, deps, text);
    }
    if (/^[/!]/.test(a.text?.trim() ?? '')) {
      return sendHelp(ctx, deps, { notice: 'I don’t know that command. Here is what I can do:' });
    }
    const intent = detectIntent?.(text);
    const target = intent ? byName.get(intents[intent] ?? '') : undefined;
    if (target) {
      await commandStarts(ctx);
      return target.run(ctx, deps, text);
    }
    // The answer path reads the whole message for danger (linear, capped inside the language layer); the
    // limit above only bounds command matching.
    if (fallback) return fallback(ctx, deps, raw);
    return sendHelp(ctx, deps, { notice: 'I can’t answer questions yet: the guidance index is not loaded.' });
  });

  async function commandStarts(ctx: TurnContext): Promise<void> {
    for (const m of opts.modules) await m.onCommand?.(ctx);
  }

  async function runSubmit(ctx: TurnContext, value: Record<string, unknown>): Promise<void> {
    // A command offered under an answer ("Or did you want me to: …"): runs as if its word had been typed.
    if (value.verb === 'command') {
      const intent = typeof value.intent === 'string' && Object.hasOwn(intents, value.intent) ? (value.intent as Intent) : undefined;
      const target = intent ? byName.get(intents[intent]) : undefined;
      if (intent && target) {
        await commandStarts(ctx);
        return target.run(ctx, deps, commandWord(intent));
      }
    }
    const handler = submits.get(value.verb as string);
    if (!handler) {
      deps.logger.warn({ activityId: ctx.activity.id, verb: String(value.verb).slice(0, 40) }, 'unknown card action');
      return sendHelp(ctx, deps, { notice: 'That button is no longer available. Here is what I can do:' });
    }
    return handler.run(ctx, deps, value);
  }

  function runNamed(ctx: TurnContext, name: string, args: string): Promise<void> | undefined {
    const c = byName.get(name);
    return c ? c.run(ctx, deps, args) : undefined;
  }

  return app;
}
