import { z } from 'zod';
import type { TeamAction } from '../src/escalations/escalation-status';
import { TEAM_VERBS } from './escalation-team.card';

/**
 * Data of the team card's actions, whether it arrives as an Action.Execute invoke (`action.data`, plus
 * `action.verb`) or as the Action.Submit fallback (`activity.value`). Inputs are strings.
 */
export const escalationActionSubmitSchema = z
  .object({
    verb: z.enum(Object.values(TEAM_VERBS) as [string, ...string[]]),
    escalationId: z.string().regex(/^ESC-\d{4}-\d{4,}$/),
    note: z.string().optional(),
    shareNote: z.union([z.string(), z.boolean()]).optional(),
    outcome: z.string().optional(),
    reason: z.string().optional(),
  })
  .strip();

/** Turns card data into the service call's id + action; undefined when it is not a team-card action. */
export function parseEscalationAction(data: unknown): { id: string; action: TeamAction } | undefined {
  const r = escalationActionSubmitSchema.safeParse(data);
  if (!r.success) return undefined;
  const d = r.data;
  switch (d.verb) {
    case TEAM_VERBS.acknowledge:
      return { id: d.escalationId, action: { kind: 'acknowledge' } };
    case TEAM_VERBS.assign:
      return { id: d.escalationId, action: { kind: 'assign' } };
    case TEAM_VERBS.note:
      return { id: d.escalationId, action: { kind: 'note', note: d.note ?? '', shared: d.shareNote === true || d.shareNote === 'true' } };
    case TEAM_VERBS.resolve:
      return { id: d.escalationId, action: { kind: 'resolve', outcome: d.outcome ?? '' } };
    default:
      return { id: d.escalationId, action: { kind: 'reopen', reason: d.reason } };
  }
}
