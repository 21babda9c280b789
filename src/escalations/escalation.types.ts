import type { DeliveryTarget } from '../delivery/notifier';

export const ESCALATION_TYPES = [
  { value: 'decision', label: 'Professional disagreement about a decision (e.g. a MASH threshold decision)' },
  { value: 'practice', label: 'Concern about another agency’s practice' },
  { value: 'board', label: 'Issue for the Board / highlight report' },
  { value: 'other', label: 'Other' },
] as const;
export type EscalationType = (typeof ESCALATION_TYPES)[number]['value'];

/** Stages of the CSCP Escalation and Resolution of Professional Disagreements procedure. */
export const ESCALATION_STAGES = [
  { value: 1, label: 'Stage 1: practitioner to practitioner' },
  { value: 2, label: 'Stage 2: line managers' },
  { value: 3, label: 'Stage 3: senior managers or designated leads' },
  { value: 4, label: 'Stage 4: the CSCP' },
] as const;

export const ESCALATION_STATUSES = ['new', 'acknowledged', 'assigned', 'resolved'] as const;
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];
export const OPEN_STATUSES: readonly EscalationStatus[] = ['new', 'acknowledged', 'assigned'];

export type EscalationAction = 'created' | 'acknowledge' | 'assign' | 'note' | 'resolve' | 'reopen' | 'reraised';

export const typeLabel = (v: string) => ESCALATION_TYPES.find((t) => t.value === v)?.label ?? v;
export const stageLabel = (n: number) => ESCALATION_STAGES.find((s) => s.value === n)?.label ?? `Stage ${n}`;
export const STATUS_LABELS: Record<EscalationStatus, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  assigned: 'Assigned',
  resolved: 'Resolved',
};

/** Someone in Teams: Entra object id plus the display name Teams gave us (for "who did it"). */
export interface Actor {
  aadObjectId: string;
  name: string;
}

export interface EscalationRecord {
  id: string;
  submissionId: string;
  type: EscalationType;
  otherAgency: string;
  issue: string;
  stageReached: number;
  outcomeWanted: string;
  caseReference?: string;
  contactDetails: string;
  childSafeNow: 'yes' | 'no';
  urgent: boolean;
  status: EscalationStatus;
  submitter: Actor;
  submitterTarget?: DeliveryTarget;
  channelTarget?: DeliveryTarget;
  channelActivityId?: string;
  assignee?: Actor;
  resolution?: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  /** Bumped by every recorded change; the history row of each change has this number as its key. */
  version: number;
  last: { action: EscalationAction; actor: Actor; at: string; note?: string; shared?: boolean };
  reRaisedCount: number;
  lastReRaisedAt?: string;
}

/** One append-only history line: who, when, what. */
export interface HistoryEntry {
  escalationId: string;
  version: number;
  action: EscalationAction;
  actor: Actor;
  at: string;
  fromStatus?: EscalationStatus;
  toStatus: EscalationStatus;
  note?: string;
  /** For a note: shared with the person who raised it (team notes are internal otherwise). */
  shared?: boolean;
}

export interface EscalationView {
  record: EscalationRecord;
  history: HistoryEntry[];
}
