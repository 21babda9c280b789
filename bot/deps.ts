import type { TurnContext } from 'botbuilder';
import type { Clock } from '../src/clock';
import type { Config } from '../src/config';
import type { ConversationStore } from '../src/conversations/conversation.store';
import type { Notifier } from '../src/delivery/notifier';
import type { Logger } from '../src/logger';
import type { Tables } from '../src/storage/tables';
import type { RoleService } from '../src/roles/role.service';

/** Everything a route needs; built once in main.ts, so tests can build it against their own Azurite prefix. */
export interface BotDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  tables: Tables;
  conversations: ConversationStore;
  notifier: Notifier;
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
  commands?: Command[];
  submits?: SubmitHandler[];
  /** Intent name (from src/knowledge/intent.ts) → command name to run. */
  intents?: Record<string, string>;
}
