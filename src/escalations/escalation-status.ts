import { DateTime } from 'luxon';
import { ConflictError, UserInputError } from '../errors';
import { escapeMarkdown } from '../text/markdown';
import type { Actor, EscalationAction, EscalationRecord, EscalationStatus, HistoryEntry } from './escalation.types';

export type TeamAction =
  | { kind: 'acknowledge' }
  | { kind: 'assign' }
  /** A team note is internal unless the team member chooses to share it with the person who raised it. */
  | { kind: 'note'; note: string; shared?: boolean }
  | { kind: 'resolve'; outcome: string }
  | { kind: 'reopen'; reason?: string };
export type TeamActionKind = TeamAction['kind'];

/**
 * Whether the person who raised the escalation sees this change (a message, and the line in `my escalations`):
 * every change except a team note that was not shared with them.
 */
export const visibleToSubmitter = (h: Pick<HistoryEntry, 'action' | 'shared'>): boolean => h.action !== 'note' || h.shared === true;

/** Which team actions each status allows; the channel card shows exactly these buttons. */
const ALLOWED: Record<EscalationStatus, TeamActionKind[]> = {
  new: ['acknowledge', 'assign', 'note'],
  acknowledged: ['assign', 'note', 'resolve'],
  assigned: ['assign', 'note', 'resolve'],
  resolved: ['reopen'],
};
export const allowedActions = (status: EscalationStatus): TeamActionKind[] => ALLOWED[status];

const PAST: Record<EscalationAction, string> = {
  created: 'raised',
  acknowledge: 'acknowledged',
  assign: 'took',
  note: 'added a note to',
  resolve: 'resolved',
  reopen: 'reopened',
  reraised: 're-raised',
};
export const describeAction = (a: EscalationAction) => PAST[a];

const londonTime = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' }).toFormat("ccc d LLL 'at' HH:mm");

/** The refusal for a stale card: names whoever made the last change, and when. */
export function staleConflict(record: EscalationRecord, actor: Actor): ConflictError {
  // Display names come from Teams profiles: escaped, since the message is shown as markdown.
  const who = record.last.actor.aadObjectId === actor.aadObjectId ? 'You' : escapeMarkdown(record.last.actor.name || 'Someone');
  return new ConflictError(
    `${who} ${PAST[record.last.action]} ${record.id} first (${londonTime(record.last.at)}); it is now ${record.status}${record.assignee ? `, with ${escapeMarkdown(record.assignee.name)}` : ''}. The card has been refreshed.`,
    record.last.actor.name,
  );
}

const MAX_TEXT = 1000;
function requireText(value: string | undefined, field: string, what: string): string {
  const t = (value ?? '').trim();
  if (!t) throw new UserInputError(`Please write ${what}.`, { [field]: `Please write ${what}` });
  if (t.length > MAX_TEXT) throw new UserInputError(`Please keep ${what} under ${MAX_TEXT} characters.`, { [field]: 'Too long' });
  return t;
}

/**
 * Applies one team action to a record read from storage and returns the new record plus its history
 * entry. An action the current status does not allow means the actor's card is stale (someone acted
 * first), so it is a ConflictError naming them; bad text is a UserInputError.
 */
export function applyAction(
  current: EscalationRecord,
  action: TeamAction,
  actor: Actor,
  now: Date,
): { record: EscalationRecord; entry: HistoryEntry } {
  if (!ALLOWED[current.status].includes(action.kind)) throw staleConflict(current, actor);
  if (action.kind === 'assign' && current.assignee?.aadObjectId === actor.aadObjectId) throw staleConflict(current, actor);
  const at = now.toISOString();
  const next: EscalationRecord = { ...current, updatedAt: at, version: current.version + 1 };
  let note: string | undefined;
  let shared: boolean | undefined;
  switch (action.kind) {
    case 'acknowledge':
      next.status = 'acknowledged';
      next.acknowledgedAt = at;
      break;
    case 'assign':
      next.status = 'assigned';
      next.assignee = actor;
      next.acknowledgedAt ??= at;
      break;
    case 'note':
      note = requireText(action.note, 'note', 'a note');
      shared = action.shared === true;
      break;
    case 'resolve':
      note = requireText(action.outcome, 'outcome', 'the outcome');
      next.status = 'resolved';
      next.resolution = note;
      next.resolvedAt = at;
      break;
    case 'reopen':
      note = action.reason?.trim() ? requireText(action.reason, 'reason', 'the reason') : undefined;
      // Reopened by a team member, so it has been seen: straight back to acknowledged, assignee cleared.
      next.status = 'acknowledged';
      next.assignee = undefined;
      next.resolution = undefined;
      next.resolvedAt = undefined;
      break;
  }
  next.last = { action: action.kind, actor, at, note, ...(shared !== undefined ? { shared } : {}) };
  const entry: HistoryEntry = {
    escalationId: current.id,
    version: next.version,
    action: action.kind,
    actor,
    at,
    fromStatus: current.status,
    toStatus: next.status,
    note,
    ...(shared !== undefined ? { shared } : {}),
  };
  return { record: next, entry };
}
