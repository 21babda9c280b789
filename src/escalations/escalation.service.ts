import { DateTime } from 'luxon';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { errorFields, type Logger } from '../logger';
import type { DeliveryTarget, Notifier } from '../delivery/notifier';
import { ForbiddenError, UserInputError } from '../errors';
import { canHoldRole } from '../roles/role.service';
import { getOrUndefined, isConflict, isPreconditionFailed, type Tables } from '../storage/tables';
import { parseEscalationInput } from './escalation.schema';
import { formatReference, nextCounterValue } from './escalation-reference';
import { createEscalationStore, type EscalationStore } from './escalation.store';
import { applyAction, staleConflict, visibleToSubmitter, type TeamAction } from './escalation-status';
import { plainEscalationMessages, type EscalationMessages } from './escalation.messages';
import { buildEscalationReport, type EscalationReport } from './escalation-report';
import { checkSla, type SlaOutcome } from './escalation-sla';
import { OPEN_STATUSES, type Actor, type EscalationRecord, type EscalationView, type HistoryEntry } from './escalation.types';

export interface SubmitResult {
  record: EscalationRecord;
  /** True when this submission id had already been saved: the first result is returned, nothing new written. */
  duplicate: boolean;
  /** Whether the team channel card was posted (false: no channel configured, or delivery failed; SLA checks retry). */
  posted: boolean;
}

export interface EscalationService {
  /**
   * Validates and saves an escalation, then posts the team card. Resolves only once the record is
   * committed; throws UserInputError (fieldErrors by input id) with nothing written, or the storage
   * error (nothing half-written: see DESIGN notes in escalation.store.ts).
   */
  submit(args: { input: unknown; submitter: Actor; submitterTarget?: DeliveryTarget }): Promise<SubmitResult>;
  /** A team action (ETag-conditional). ForbiddenError for non-members, ConflictError naming who acted first. */
  act(args: { id: string; action: TeamAction; actor: Actor }): Promise<EscalationView>;
  get(id: string): Promise<EscalationView | undefined>;
  /** The submitter's own escalations, with the history they may see (internal team notes left out). */
  listMine(aadObjectId: string): Promise<EscalationView[]>;
  report(): Promise<EscalationReport>;
  /** Re-raises unacknowledged escalations past their limit, once per period; posts any card never posted. */
  checkSla(now?: Date): Promise<SlaOutcome>;
  /**
   * `escalations here`: the channel this is run in becomes the team channel (stored in Settings), and every open
   * escalation saved while no channel was set is posted there now (not at the next SLA check). Returns the
   * references posted; one that could not be posted is left for the SLA check to retry.
   */
  setTeamChannel(target: DeliveryTarget, by: Actor): Promise<{ posted: string[] }>;
  teamChannel(): Promise<DeliveryTarget | undefined>;
  isTeamMember(aadObjectId: string): Promise<boolean>;
}

export interface EscalationServiceDeps {
  tables: Tables;
  notifier: Notifier;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** Card wording; cards/escalation.messages.ts provides the Adaptive Card version. */
  messages?: EscalationMessages;
  /** Extra membership check (e.g. Teams channel roster) beyond config.roles.escalationTeamIds. */
  isTeamMember?: (aadObjectId: string) => Promise<boolean>;
  /** Turns config.roles.escalationChannelId into a full target (serviceUrl) from the stored conversations. */
  resolveChannel?: (conversationId: string) => Promise<DeliveryTarget | undefined>;
}

const SETTINGS_PK = 'setting';
const CHANNEL_ROW = 'escalationChannel';
const NOTE_RETRIES = 3;
/** Leases partition of the team-card claims (one row per escalation whose card was posted or is being posted). */
const CARD_CLAIMS = 'esc-card';
/** A claim with no posted id is taken over after this long (its poster crashed between claim and post). */
const CARD_CLAIM_MS = 30 * 60_000;

/** Escalation records, reference counter, status machine with history, notifications and SLA re-raise. */
export function createEscalationService(deps: EscalationServiceDeps): EscalationService {
  const store: EscalationStore = createEscalationStore(deps.tables);
  const messages = deps.messages ?? plainEscalationMessages;
  const log = deps.logger.child({ feature: 'escalations' });
  const london = (d: Date) => DateTime.fromJSDate(d, { zone: 'Europe/London' });

  async function teamChannel(): Promise<DeliveryTarget | undefined> {
    const row = await getOrUndefined<{ target: string }>(deps.tables.client('Settings'), SETTINGS_PK, CHANNEL_ROW);
    if (row?.target) return JSON.parse(row.target) as DeliveryTarget;
    const id = deps.config.roles.escalationChannelId;
    if (!id) return undefined;
    return (await deps.resolveChannel?.(id)) ?? undefined;
  }

  async function isTeamMember(aadObjectId: string): Promise<boolean> {
    if (!canHoldRole(aadObjectId)) return false;
    if (deps.config.roles.escalationTeamIds.includes(aadObjectId.toLowerCase())) return true;
    try {
      return (await deps.isTeamMember?.(aadObjectId)) ?? false;
    } catch (e) {
      log.warn(errorFields(e), 'team membership check failed; treating as not a member');
      return false;
    }
  }

  /** Reads record + history; a history line lost to a failed append is rebuilt from the record's `last`. */
  async function view(id: string): Promise<EscalationView | undefined> {
    const stored = await store.get(id);
    if (!stored) return undefined;
    const { record } = stored;
    let history = await store.history(id);
    const lastAction = record.last.action;
    if (!history.some((h) => h.version === record.version) && lastAction !== 'reraised') {
      const entry: HistoryEntry = {
        escalationId: id,
        version: record.version,
        action: lastAction,
        actor: record.last.actor,
        at: record.last.at,
        toStatus: record.status,
        note: record.last.note,
        ...(record.last.shared !== undefined ? { shared: record.last.shared } : {}),
      };
      await store.appendHistory(entry).catch((e) => log.warn({ id, ...errorFields(e) }, 'history repair failed'));
      history = [...history, entry].sort((a, b) => a.version - b.version);
    }
    return { record, history };
  }

  /** Notification failures never undo a committed change; they are logged (ids only). */
  async function safely(what: string, id: string, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (e) {
      log.warn({ id, what, ...errorFields(e) }, 'escalation notification failed');
      return false;
    }
  }

  /** Saves the posted card's activity id on the record (ETag-conditional, retried on a race). */
  async function rememberCard(id: string, target: DeliveryTarget, activityId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await store.get(id);
      if (!cur) return false;
      if (cur.record.channelActivityId === activityId) return true;
      try {
        await store.replace({ ...cur.record, channelTarget: target, channelActivityId: activityId }, cur.etag);
        return true;
      } catch (e) {
        if (!isPreconditionFailed(e)) throw e;
      }
    }
    return false;
  }

  /**
   * Posts the team card and remembers its activity id on the record (so later changes update it in place).
   * A claim row is written first and keeps the posted id, so a post whose id could not be saved on the record
   * is repaired from the claim on the next check instead of being posted again every five minutes; a claim
   * left by a crash between claim and post gives way after CARD_CLAIM_MS.
   */
  async function postTeamCard(id: string, target: DeliveryTarget): Promise<boolean> {
    const v = await view(id);
    if (!v) return false;
    const leases = deps.tables.client('Leases');
    const claimKey = `esc-card~${id}`;
    const prior = await getOrUndefined<{ activityId?: string; claimedAt?: string }>(leases, CARD_CLAIMS, claimKey);
    if (prior?.activityId) return rememberCard(id, target, prior.activityId).catch(() => false);
    if (prior) {
      if (deps.clock.now().getTime() - new Date(prior.claimedAt ?? 0).getTime() < CARD_CLAIM_MS) return false;
      await leases.deleteEntity(CARD_CLAIMS, claimKey, { etag: prior.etag }).catch(() => undefined);
    }
    try {
      await leases.createEntity({ partitionKey: CARD_CLAIMS, rowKey: claimKey, claimedAt: deps.clock.now().toISOString() });
    } catch (e) {
      if (isConflict(e)) return false; // another instance is posting it
      throw e;
    }
    let activityId: string | undefined;
    const ok = await safely('post team card', id, async () => {
      activityId = (await deps.notifier.send(target, messages.teamCard(v))).activityId;
    });
    if (!ok || !activityId) {
      // Not posted: the claim goes, so the next check tries again.
      await leases.deleteEntity(CARD_CLAIMS, claimKey).catch(() => undefined);
      return false;
    }
    await leases.updateEntity({ partitionKey: CARD_CLAIMS, rowKey: claimKey, activityId }, 'Merge').catch((e) => log.warn({ id, ...errorFields(e) }, 'team card claim not updated'));
    return rememberCard(id, target, activityId);
  }

  async function submit({ input, submitter, submitterTarget }: Parameters<EscalationService['submit']>[0]): Promise<SubmitResult> {
    const data = parseEscalationInput(input);
    const earlier = await store.findBySubmission(submitter.aadObjectId, data.submissionId);
    if (earlier) return { record: earlier, duplicate: true, posted: Boolean(earlier.channelActivityId) };

    const channel = await teamChannel();
    const now = deps.clock.now();
    const year = london(now).year;
    const n = await nextCounterValue(deps.tables.client('Counters'), 'escalation', String(year));
    const at = now.toISOString();
    const record: EscalationRecord = {
      id: formatReference(year, n),
      submissionId: data.submissionId,
      type: data.type as EscalationRecord['type'],
      otherAgency: data.otherAgency,
      issue: data.issue,
      stageReached: data.stageReached,
      outcomeWanted: data.outcomeWanted,
      caseReference: data.caseReference,
      contactDetails: data.contactDetails,
      childSafeNow: data.childSafeNow,
      urgent: data.childSafeNow === 'no',
      status: 'new',
      submitter,
      submitterTarget,
      channelTarget: channel,
      createdAt: at,
      updatedAt: at,
      version: 1,
      last: { action: 'created', actor: submitter, at },
      reRaisedCount: 0,
    };
    if (!(await store.createWithMarker(record))) {
      // A concurrent arrival of the same submission won the marker; our counter value becomes a gap.
      const first = await store.findBySubmission(submitter.aadObjectId, data.submissionId);
      if (first) return { record: first, duplicate: true, posted: Boolean(first.channelActivityId) };
      throw new Error('escalation marker exists without its record'); // cannot happen: created together
    }
    log.info({ id: record.id, urgent: record.urgent }, 'escalation saved');
    await store
      .appendHistory({ escalationId: record.id, version: 1, action: 'created', actor: submitter, at, toStatus: 'new' })
      .catch((e) => log.warn({ id: record.id, ...errorFields(e) }, 'history append failed; repaired on next read'));

    const posted = channel ? await postTeamCard(record.id, channel).catch(() => false) : false;
    if (!channel) log.warn({ id: record.id }, 'no escalation channel configured; card not posted (run "escalations here")');
    const saved = (await store.get(record.id).catch(() => undefined))?.record ?? record;
    return { record: saved, duplicate: false, posted };
  }

  async function act({ id, action, actor }: Parameters<EscalationService['act']>[0]): Promise<EscalationView> {
    if (!(await isTeamMember(actor.aadObjectId))) {
      log.info({ id, actor: actor.aadObjectId, action: action.kind }, 'escalation action refused: not a team member');
      throw new ForbiddenError('Only members of the escalation team can act on escalations.');
    }
    let applied: { record: EscalationRecord; entry: HistoryEntry } | undefined;
    for (let attempt = 0; !applied; attempt++) {
      const cur = await store.get(id);
      if (!cur) throw new UserInputError(`There is no escalation ${id}.`);
      const next = applyAction(cur.record, action, actor, deps.clock.now());
      try {
        await store.replace(next.record, cur.etag);
        applied = next;
      } catch (e) {
        if (!isPreconditionFailed(e)) throw e;
        // Notes never clash with anything, so they retry; status changes lose to whoever wrote first.
        const winner = (await store.get(id))?.record;
        if (action.kind !== 'note' || attempt >= NOTE_RETRIES) throw winner ? staleConflict(winner, actor) : e;
      }
    }
    await store
      .appendHistory(applied.entry)
      .catch((e) => log.warn({ id, ...errorFields(e) }, 'history append failed; repaired on next read'));
    log.info({ id, action: action.kind, version: applied.record.version }, 'escalation updated');

    const v = (await view(id)) ?? { record: applied.record, history: [applied.entry] };
    const { record } = v;
    if (record.channelTarget && record.channelActivityId) {
      await safely('update team card', id, () => deps.notifier.update(record.channelTarget!, record.channelActivityId!, messages.teamCard(v)));
    }
    if (record.submitterTarget && visibleToSubmitter(applied.entry)) {
      await safely('tell submitter', id, () => deps.notifier.send(record.submitterTarget!, messages.submitterUpdate(v, applied!.entry)));
    }
    return v;
  }

  return {
    submit,
    act,
    get: view,
    async listMine(aadObjectId) {
      const mine = await store.list(`submitterAadId eq '${aadObjectId.replace(/'/g, "''")}'`);
      mine.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      // The submitter's view: internal team notes are left out.
      return Promise.all(mine.map(async (record) => ({ record, history: (await store.history(record.id)).filter(visibleToSubmitter) })));
    },
    async report() {
      return buildEscalationReport(await store.list(), deps.clock.now());
    },
    checkSla: (now = deps.clock.now()) =>
      checkSla({ tables: deps.tables, store, config: deps.config, notifier: deps.notifier, messages, log, teamChannel, postTeamCard, view }, now),
    async setTeamChannel(target, by) {
      await deps.tables.client('Settings').upsertEntity(
        {
          partitionKey: SETTINGS_PK,
          rowKey: CHANNEL_ROW,
          target: JSON.stringify(target),
          setById: by.aadObjectId,
          setByName: by.name,
          setAt: deps.clock.now().toISOString(),
        },
        'Replace',
      );
      log.info({ by: by.aadObjectId }, 'escalation channel set');
      const waiting = await store.list(OPEN_STATUSES.map((st) => `status eq '${st}'`).join(' or '));
      const posted: string[] = [];
      for (const r of waiting.filter((w) => !w.channelActivityId).sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
        if (await postTeamCard(r.id, target).catch(() => false)) posted.push(r.id);
      }
      if (posted.length) log.info({ posted }, 'waiting escalations posted to the new channel');
      return { posted };
    },
    teamChannel,
    isTeamMember,
  };
}
