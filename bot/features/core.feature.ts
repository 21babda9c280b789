import type { TurnContext } from 'botbuilder';
import { buildWelcomeCard } from '../../cards/welcome.card';
import { isEntraObjectId, type Role } from '../../src/roles/role.service';
import type { BotDeps, FeatureModule } from '../deps';
import { sendCard } from '../reply';
import { requireRole } from '../turn';
import { registerFileConsentRoutes } from '../files/csv-offer';
import { replyPrivately } from '../private-reply';

/** Sends the welcome/help card, showing staff commands to those who hold a role. */
export async function sendHelp(ctx: TurnContext, deps: BotDeps, opts: { greeting?: boolean; notice?: string } = {}): Promise<void> {
  const aad = ctx.activity.from?.aadObjectId;
  const [isAdmin, isTrainer] = await Promise.all([
    deps.roles.has('admin', aad).catch(() => false),
    deps.roles.has('trainer', aad).catch(() => false),
  ]);
  await sendCard(ctx, buildWelcomeCard({ greeting: Boolean(opts.greeting), isAdmin, isTrainer, notice: opts.notice }), 'What the CSCP assistant can do');
}

const ROLE_WORDS: Record<string, Role> = { admin: 'admin', trainer: 'trainer', escalation: 'escalation', 'escalation-team': 'escalation' };

const CONFIG_KEY: Record<Role, string> = { admin: 'ADMIN_IDS', trainer: 'TRAINER_IDS', escalation: 'ESCALATION_TEAM_IDS' };

/** `grant trainer <object id>` / `revoke trainer <object id>` / `roles` — admins only. */
async function roleCommand(ctx: TurnContext, deps: BotDeps, args: string): Promise<void> {
  if (!(await requireRole(ctx, deps, 'admin', 'roles', 'Sorry, only CSCP admins can manage roles.'))) return;
  const aad = ctx.activity.from?.aadObjectId;
  // Role lists name people by object id: they are answered in the admin's 1:1 chat only.
  const say = (text: string) => replyPrivately(ctx, deps, { text }, 'roles list');
  const [verb, roleWord, id] = args.trim().split(/\s+/);
  if (verb === 'list' || !verb) {
    const lines: string[] = [];
    for (const role of ['admin', 'trainer', 'escalation'] as Role[]) {
      const members = await deps.roles.list(role);
      lines.push(`**${role}**: ${members.length ? members.map((m) => `${m.id} (${m.source})`).join(', ') : 'nobody'}`);
    }
    await say(lines.join('\n\n'));
    return;
  }
  const role = ROLE_WORDS[roleWord?.toLowerCase() ?? ''];
  if (!role || !id || !isEntraObjectId(id)) {
    await say('Usage: `roles grant trainer <Entra object id>` or `roles revoke trainer <Entra object id>` (roles: admin, trainer, escalation).');
    return;
  }
  if (verb === 'grant') await deps.roles.grant(role, id, aad ?? 'unknown');
  else if (verb === 'revoke') {
    const holder = (await deps.roles.list(role)).find((m) => m.id === id.toLowerCase());
    // Configured roles outlive any chat (so a compromised admin chat cannot lock the configured admins out): say so.
    if (holder?.source === 'config') {
      await say(`Not changed: ${id} has the ${role} role from configuration (${CONFIG_KEY[role]}), which cannot be revoked from Teams. Remove it there and restart the bot.`);
      return;
    }
    if (!holder) {
      await say(`Not changed: ${id} does not have the ${role} role.`);
      return;
    }
    await deps.roles.revoke(role, id);
  } else {
    await say('Usage: `roles grant|revoke admin|trainer|escalation <Entra object id>`');
    return;
  }
  deps.logger.info({ activityId: ctx.activity.id, by: aad, role, target: id, verb }, 'role changed');
  await say(`Done: ${verb === 'grant' ? 'granted' : 'revoked'} ${role} for ${id}.`);
}

export const coreFeature = (deps: BotDeps): FeatureModule => ({
  name: 'core',
  // File-consent answers (CSV downloads in 1:1 chats) for every feature that offers files.
  register: (app) => registerFileConsentRoutes(app, deps),
  commands: [
    { name: 'help', pattern: /^(help|\?|menu|start|hi|hello)$/i, run: (ctx, deps) => sendHelp(ctx, deps) },
    { name: 'roles', pattern: /^roles\b/i, run: (ctx, deps, args) => roleCommand(ctx, deps, args.replace(/^roles\s*/i, '')) },
  ],
  submits: [{ verb: 'help', run: (ctx, deps) => sendHelp(ctx, deps) }],
  intents: { help: 'help' },
});
