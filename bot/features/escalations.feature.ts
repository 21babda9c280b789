import { escalationCardMessages } from '../../cards/escalation.messages';
import { TEAM_VERBS } from '../../cards/escalation-team.card';
import { createEscalationService, type EscalationService } from '../../src/escalations/escalation.service';
import type { BotDeps, FeatureFactory, SubmitHandler } from '../deps';
import { openEscalationForm, submitEscalation } from './escalations/escalation-form.handler';
import { executeTeamAction, submitTeamAction } from './escalations/escalation-team-action.handler';
import { showMyEscalations } from './escalations/my-escalations.handler';
import { setEscalationChannelHere } from './escalations/escalations-here.handler';
import { showEscalationsReport } from './escalations/escalations-report.handler';
import { createSlaScheduler, type SlaScheduler } from './escalations/escalation-sla.scheduler';
import { createTeamMembershipCheck, type TeamChannelTarget } from './escalations/team-membership';

/** What other features and tests reach through `deps.features.escalations`. */
export interface EscalationsFeature {
  service: EscalationService;
  sla: SlaScheduler;
}

function buildService(deps: BotDeps): EscalationService {
  let service: EscalationService | undefined;
  const membership = createTeamMembershipCheck(deps, async () => (await service?.teamChannel()) as TeamChannelTarget | undefined);
  service = createEscalationService({
    tables: deps.tables,
    notifier: deps.notifier,
    clock: deps.clock,
    config: deps.config,
    logger: deps.logger,
    messages: escalationCardMessages,
    isTeamMember: membership,
    resolveChannel: (conversationId) => deps.conversations.target('channel', conversationId),
  });
  return service;
}

/** Escalations: the form, the team channel card with its actions, my escalations, the report, and the SLA check. */
export const escalationsFeature: FeatureFactory = (deps) => {
  const service = buildService(deps);
  const sla = createSlaScheduler({ service, tables: deps.tables, clock: deps.clock, logger: deps.logger });
  deps.features.escalations = { service, sla } satisfies EscalationsFeature;

  const teamVerbs = Object.values(TEAM_VERBS);
  const teamSubmits: SubmitHandler[] = teamVerbs.map((verb) => ({ verb, run: (ctx, d, data) => submitTeamAction(ctx, d, service, data) }));

  return {
    name: 'escalations',
    commands: [
      { name: 'escalations here', pattern: /^escalations?\s+here$/i, run: (ctx, d) => setEscalationChannelHere(ctx, d, service) },
      { name: 'escalations report', pattern: /^escalations?\s+report$/i, run: (ctx, d) => showEscalationsReport(ctx, d, service) },
      { name: 'my escalations', pattern: /^my\s+escalations?$/i, run: (ctx, d) => showMyEscalations(ctx, d, service) },
      { name: 'escalate', pattern: /^escalate$/i, run: (ctx, d) => openEscalationForm(ctx, d) },
    ],
    submits: [
      { verb: 'escalate', run: (ctx, d) => openEscalationForm(ctx, d) },
      { verb: 'myEscalations', run: (ctx, d) => showMyEscalations(ctx, d, service) },
      { verb: 'escalationSubmit', run: (ctx, d, data) => submitEscalation(ctx, d, service, data) },
      ...teamSubmits,
    ],
    intents: { escalate: 'escalate', 'my-escalations': 'my escalations' },
    executeVerbs: teamVerbs,
    register(app) {
      app.adaptiveCards.actionExecute<Record<string, unknown>>(teamVerbs, (ctx, _state, data) => executeTeamAction(ctx, deps, service, data) as never);
    },
    start: () => sla.start(),
    stop: () => sla.stop(),
  };
};
