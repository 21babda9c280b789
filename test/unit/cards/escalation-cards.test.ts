import { buildEscalationRequestCard } from '../../../cards/escalation-request.card';
import { parseEscalationRequestSubmit } from '../../../cards/escalation-request.submit';
import { buildEscalationConfirmationCard, buildEscalationNotSavedCard } from '../../../cards/escalation-confirmation.card';
import { buildEscalationReRaiseCard, buildEscalationTeamCard } from '../../../cards/escalation-team.card';
import { parseEscalationAction } from '../../../cards/escalation-action.submit';
import { buildMyEscalationsCard } from '../../../cards/my-escalations.card';
import { buildEscalationReportCard } from '../../../cards/escalation-report.card';
import { emergencyGuidanceBlock } from '../../../cards/emergency-guidance.block';
import { escalationCardMessages } from '../../../cards/escalation.messages';
import { testConfig } from '../../../src/config';
import { buildEscalationReport } from '../../../src/escalations/escalation-report';
import type { EscalationRecord, EscalationView } from '../../../src/escalations/escalation.types';
import { validateCard } from '../../helpers/card-validator';

const config = testConfig();
const record = (extra: Partial<EscalationRecord> = {}): EscalationRecord => ({
  id: 'ESC-2026-0042',
  submissionId: 's',
  type: 'decision',
  otherAgency: 'MASH',
  issue: 'Closed with NFA despite *new* information',
  stageReached: 2,
  outcomeWanted: 'Review',
  caseReference: 'CS-1',
  contactDetails: 'Dana, via Teams',
  childSafeNow: 'yes',
  urgent: false,
  status: 'new',
  submitter: { aadObjectId: 'd', name: 'Dana Lead' },
  createdAt: '2026-03-10T10:00:00.000Z',
  updatedAt: '2026-03-10T10:00:00.000Z',
  version: 1,
  last: { action: 'created', actor: { aadObjectId: 'd', name: 'Dana Lead' }, at: '2026-03-10T10:00:00.000Z' },
  reRaisedCount: 0,
  ...extra,
});
const view = (extra: Partial<EscalationRecord> = {}): EscalationView => ({
  record: record(extra),
  history: [
    { escalationId: 'ESC-2026-0042', version: 1, action: 'created', actor: { aadObjectId: 'd', name: 'Dana Lead' }, at: '2026-03-10T10:00:00.000Z', toStatus: 'new' },
    { escalationId: 'ESC-2026-0042', version: 2, action: 'note', actor: { aadObjectId: 's', name: 'Sam' }, at: '2026-03-10T11:00:00.000Z', toStatus: 'new', note: 'Phoned' },
  ],
});
type Act = { type: string; verb?: string; data?: Record<string, string>; fallback?: Act; card?: { actions: Act[] } };
const flatActions = (actions: Act[]): Act[] => actions.flatMap((a) => (a.card ? [a, ...flatActions(a.card.actions)] : [a]));

describe('escalation cards', () => {
  it('the form is valid, has every field, the no-name note and a hidden submission id in the data', () => {
    const card = buildEscalationRequestCard({ config });
    expect(validateCard(card)).toEqual([]);
    const json = JSON.stringify(card);
    for (const id of ['type', 'otherAgency', 'issue', 'stageReached', 'outcomeWanted', 'caseReference', 'contactDetails', 'childSafeNow']) {
      expect(json).toContain(`"id":"${id}"`);
    }
    expect(json).toMatch(/No child’s name/);
    const action = (card.actions as Act[])[0];
    expect(action.data).toMatchObject({ verb: 'escalationSubmit' });
    expect(action.data?.submissionId).toBeTruthy();
  });

  it('re-rendered with errors: messages under fields, values kept, emergency guidance when the child is not safe', () => {
    const card = buildEscalationRequestCard({
      config: testConfig({ EMERGENCY_MASH_CONTACT: '024 7678 8555' }),
      values: { otherAgency: 'Police', childSafeNow: 'no', caseReference: 'Jayden Smith' },
      errors: { issue: 'Please fill in the decision or issue', caseReference: 'never a child’s name' },
      submissionId: 'same-id-1',
      notice: 'Not saved yet',
    });
    expect(validateCard(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain('issueError');
    expect(json).toContain('caseReferenceError');
    expect(json).toContain('"value":"Police"');
    expect(json).toContain('same-id-1');
    expect(json.indexOf('call 999')).toBeLessThan(json.indexOf('otherAgency'));
    expect(json).toContain('024 7678 8555');
  });

  it('emergency guidance never invents a number when contacts are unset', () => {
    const json = JSON.stringify(emergencyGuidanceBlock(config.safety));
    expect(json).toContain('call 999');
    expect(json.replace('999', '')).not.toMatch(/\d{3,}/);
  });

  it('team card: one Execute per allowed action, each with a Submit fallback and the escalation id', () => {
    const card = buildEscalationTeamCard(view());
    expect(validateCard(card)).toEqual([]);
    const actions = flatActions(card.actions as Act[]).filter((a) => a.type === 'Action.Execute');
    expect(actions.map((a) => a.verb)).toEqual(['escalationAck', 'escalationAssign', 'escalationNote']);
    for (const a of actions) {
      expect(a.data).toEqual({ verb: a.verb, escalationId: 'ESC-2026-0042' });
      expect(a.fallback).toMatchObject({ type: 'Action.Submit', data: a.data });
    }
    expect(JSON.stringify(card)).toContain('Phoned');

    const assigned = buildEscalationTeamCard(view({ status: 'assigned', assignee: { aadObjectId: 's', name: 'Sam' }, urgent: true }));
    expect(validateCard(assigned)).toEqual([]);
    expect(flatActions(assigned.actions as Act[]).filter((a) => a.type === 'Action.Execute').map((a) => a.verb)).toEqual([
      'escalationAssign',
      'escalationNote',
      'escalationResolve',
    ]);
    const resolved = buildEscalationTeamCard(view({ status: 'resolved', resolution: 'Reviewed' }));
    expect(validateCard(resolved)).toEqual([]);
    expect(flatActions(resolved.actions as Act[]).filter((a) => a.type === 'Action.Execute').map((a) => a.verb)).toEqual(['escalationReopen']);
  });

  it('parses team action data from Execute or Submit alike', () => {
    expect(parseEscalationAction({ verb: 'escalationAck', escalationId: 'ESC-2026-0042' })).toEqual({ id: 'ESC-2026-0042', action: { kind: 'acknowledge' } });
    expect(parseEscalationAction({ verb: 'escalationResolve', escalationId: 'ESC-2026-0042', outcome: 'Done' })).toEqual({
      id: 'ESC-2026-0042',
      action: { kind: 'resolve', outcome: 'Done' },
    });
    expect(parseEscalationAction({ verb: 'escalationNote', escalationId: "x' or 1" })).toBeUndefined();
    expect(parseEscalationAction({ verb: 'surveyLog' })).toBeUndefined();
  });

  it('form submit data keeps strings, drops unknown keys', () => {
    expect(parseEscalationRequestSubmit({ verb: 'escalationSubmit', submissionId: 'x', stageReached: 2, junk: 1 })).toEqual({
      verb: 'escalationSubmit',
      submissionId: 'x',
      stageReached: '2',
    });
  });

  it('confirmation says where the escalation is: posted, waiting for a channel, or waiting for delivery', () => {
    const channel = { conversationId: '19:team@thread.tacv2', serviceUrl: 'https://smba.example/', channelId: 'msteams' };
    const posted = JSON.stringify(buildEscalationConfirmationCard({ record: record({ channelTarget: channel, channelActivityId: 'a1' }), config }));
    expect(posted).toContain('has been posted to the CSCP escalation team’s channel');
    const noChannel = JSON.stringify(buildEscalationConfirmationCard({ record: record(), config }));
    expect(noChannel).toContain('their channel has not been set up');
    expect(noChannel).not.toMatch(/has been posted|has gone to/);
    const failed = JSON.stringify(buildEscalationConfirmationCard({ record: record({ channelTarget: channel }), config }));
    expect(failed).toContain('could not be posted to their channel just now');
    expect(failed).not.toMatch(/has been posted|has gone to/);
    // Urgent and not with the team yet: no promise that the team will act within the hour.
    const urgentWaiting = JSON.stringify(buildEscalationConfirmationCard({ record: record({ urgent: true, childSafeNow: 'no' }), config }));
    expect(urgentWaiting).not.toContain('act within the hour');
    expect(urgentWaiting).toContain('contact the CSCP business unit directly');
    const urgentPosted = JSON.stringify(buildEscalationConfirmationCard({ record: record({ urgent: true, childSafeNow: 'no', channelTarget: channel, channelActivityId: 'a1' }), config }));
    expect(urgentPosted).toContain('act within the hour');
  });

  it('confirmation, not-saved, my escalations, report, re-raise and message cards are valid', () => {
    const urgent = buildEscalationConfirmationCard({ record: record({ urgent: true, childSafeNow: 'no' }), config });
    expect(validateCard(urgent)).toEqual([]);
    expect(JSON.stringify(urgent)).toContain('ESC-2026-0042');
    expect(JSON.stringify(urgent)).toContain('call 999');
    const notSaved = buildEscalationNotSavedCard({ config, urgent: true });
    expect(validateCard(notSaved)).toEqual([]);
    expect(JSON.stringify(notSaved)).toMatch(/could \*\*not\*\* be saved/);
    expect(validateCard(buildMyEscalationsCard([view(), view({ status: 'resolved', resolution: 'ok' })]))).toEqual([]);
    expect(validateCard(buildMyEscalationsCard([]))).toEqual([]);
    const report = buildEscalationReport([record(), record({ id: 'ESC-2026-0043', otherAgency: 'Police' })], new Date('2026-03-20T10:00:00Z'));
    expect(validateCard(buildEscalationReportCard(report))).toEqual([]);
    expect(validateCard(buildEscalationReRaiseCard(view(), '8 working hours'))).toEqual([]);
    const v = view();
    for (const m of [
      escalationCardMessages.teamCard(v),
      escalationCardMessages.submitterUpdate(v, { ...v.history[1], action: 'resolve', note: 'All sorted' }),
      escalationCardMessages.reRaise(v, '1 hour'),
    ]) {
      expect(m.attachments?.[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(validateCard(m.attachments?.[0].content)).toEqual([]);
    }
  });
});
