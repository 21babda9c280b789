import type { TurnContext } from 'botbuilder';
import type { Clock } from '../src/clock';
import type { Config } from '../src/config';
import type { ConversationStore } from '../src/conversations/conversation.store';
import type { Notifier } from '../src/delivery/notifier';
import type { DeliveryEngine } from '../src/delivery/delivery.engine';
import type { Logger } from '../src/logger';
import type { Tables } from '../src/storage/tables';
import type { RoleService } from '../src/roles/role.service';
import type { WriteQueue } from '../src/storage/write-queue';

/** Everything a route needs; built once in main.ts, so tests can build it against their own Azurite prefix. */
export interface BotDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  tables: Tables;
  conversations: ConversationStore;
  /**
   * Proactive sends outside an outbox (escalation posts, progress cards): the delivery engine's paced notifier,
   * so they share the app's rate budget and its Retry-After handling.
   */
  notifier: Notifier;
  /**
   * The one delivery engine of this process: every fan-out (digests, reminders, trainer messages) shares its
   * rate limiter, whose rate is this instance's share of the app's budget (src/delivery/rate-budget.ts).
   */
  delivery: DeliveryEngine;
  /** Writes made after the answer (answer log, conversation references): the HTTP response never waits on them. */
  bookkeeping: WriteQueue;
  roles: RoleService;
  /** Feature services are attached by their modules (see features/). */
  features: Record<string, unknown>;
}

export type CommandRun = (ctx: TurnContext, deps: BotDeps, args: string) => Promise<void>;
export type SubmitRun = (ctx: TurnContext, deps: BotDeps, data: Record<string, unknown>) => Promise<void>;

/** A typed command: matched on the whole message (after the bot mention is removed). */
export interface Command {
  name: string;
  pattern: RegExp;
  run: CommandRun;
}

export interface SubmitHandler {
  verb: string;
  run: SubmitRun;
}

/** What a feature adds to the bot: typed commands, Action.Submit handlers, and natural-language intents. */
export interface FeatureModule {
  name: string;
  commands?: Command[];
  submits?: SubmitHandler[];
  /** Intent name (from the language layer's command classifier) → command name to run. */
  intents?: Record<string, string>;
  /** Action.Execute verbs this feature answers (registered in `register`): listed so every staff button is accounted for. */
  executeVerbs?: string[];
  /** Extra teams-ai routes: Action.Execute (`app.adaptiveCards.actionExecute`), feedback loop, file consent… */
  register?: (app: import('@microsoft/teams-ai').Application<import('@microsoft/teams-ai').TurnState>) => void;
  /** Where free text goes when no command matched (only the Q&A feature sets this). */
  fallback?: CommandRun;
  detectIntent?: (text: string) => string | undefined;
  /** Called before any typed or natural-language command runs (the Q&A forgets the conversation's topic). */
  onCommand?: (ctx: TurnContext) => Promise<void>;
  /** Background work (schedulers); started after the server listens, stopped before it closes. */
  start?: () => Promise<void> | void;
  stop?: () => Promise<void> | void;
}

/**
 * Builds a feature from the shared dependencies; may attach its service to `deps.features[name]` so other
 * features can use it (e.g. digests ask the knowledge service to ingest a newsletter).
 */
export type FeatureFactory = (deps: BotDeps) => Promise<FeatureModule> | FeatureModule;
