import { randomUUID } from 'node:crypto';
import type { Config } from '../src/config';
import { ESCALATION_STAGES, ESCALATION_TYPES } from '../src/escalations/escalation.types';
import { adaptiveCard, fieldError, heading, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { emergencyGuidanceBlock } from './emergency-guidance.block';

export interface EscalationRequestCardOptions {
  config: Config;
  /** Previous answers (as submitted strings) when re-rendered after validation errors. */
  values?: Record<string, string | undefined>;
  /** Field errors keyed by input id (UserInputError.fieldErrors). */
  errors?: Record<string, string>;
  notice?: string;
  /** Kept across re-renders so a corrected resubmission is still one submission. */
  submissionId?: string;
}

const input = (type: string, id: string, label: string, extra: Record<string, unknown>, value: string | undefined): CardElement => ({
  type,
  id,
  label,
  ...extra,
  ...(value !== undefined && value !== '' ? { value } : {}),
});

/** The escalation form (Escalation and Resolution of Professional Disagreements procedure). */
export function buildEscalationRequestCard(o: EscalationRequestCardOptions): AdaptiveCard {
  const v = o.values ?? {};
  const e = o.errors ?? {};
  const body: CardElement[] = [heading('Escalate a concern')];
  if (v.childSafeNow === 'no') body.push(emergencyGuidanceBlock(o.config.safety));
  body.push(
    text(
      'Use this for a professional disagreement (e.g. a MASH threshold decision), a concern about another agency’s practice, or an issue for the Board / your highlight report. It goes to the CSCP escalation team, who will acknowledge it.',
      { size: 'Small' },
    ),
  );
  if (o.notice) body.push(text(`⚠ ${o.notice}`, { color: 'Attention', weight: 'Bolder' }));
  body.push(
    input(
      'Input.ChoiceSet',
      'type',
      'What kind of escalation is it?',
      { style: 'expanded', isRequired: true, errorMessage: 'Choose the type', choices: ESCALATION_TYPES.map((t) => ({ title: t.label, value: t.value })) },
      v.type,
    ),
    ...fieldError(e.type, 'type'),
    input('Input.Text', 'otherAgency', 'Other agency or team', { maxLength: 200, isRequired: true, errorMessage: 'Required', placeholder: 'e.g. MASH, a school, a health team' }, v.otherAgency),
    ...fieldError(e.otherAgency, 'otherAgency'),
    input('Input.Text', 'issue', 'The decision or issue', { isMultiline: true, maxLength: 2000, isRequired: true, errorMessage: 'Required' }, v.issue),
    ...fieldError(e.issue, 'issue'),
    input(
      'Input.ChoiceSet',
      'stageReached',
      'Stage already reached',
      { style: 'compact', isRequired: true, errorMessage: 'Choose a stage', choices: ESCALATION_STAGES.map((s) => ({ title: s.label, value: String(s.value) })) },
      v.stageReached,
    ),
    ...fieldError(e.stageReached, 'stageReached'),
    input('Input.Text', 'outcomeWanted', 'What outcome do you want?', { isMultiline: true, maxLength: 1000, isRequired: true, errorMessage: 'Required' }, v.outcomeWanted),
    ...fieldError(e.outcomeWanted, 'outcomeWanted'),
    input('Input.Text', 'caseReference', 'Your agency’s case reference (optional)', { maxLength: 40, placeholder: 'e.g. CS-123456' }, v.caseReference),
    text('**No child’s name**: give your agency’s reference only.', { size: 'Small', spacing: 'None' }),
    ...fieldError(e.caseReference, 'caseReference'),
    input('Input.Text', 'contactDetails', 'How can the team contact you?', { maxLength: 300, isRequired: true, errorMessage: 'Required', placeholder: 'Name, role, work phone or email' }, v.contactDetails),
    ...fieldError(e.contactDetails, 'contactDetails'),
    input(
      'Input.ChoiceSet',
      'childSafeNow',
      'Is the child safe right now?',
      {
        style: 'expanded',
        isRequired: true,
        errorMessage: 'Please answer',
        choices: [
          { title: 'Yes', value: 'yes' },
          { title: 'No: I will also follow the emergency route', value: 'no' },
        ],
      },
      v.childSafeNow,
    ),
    text('If a child is in immediate danger, call **999** now; this form is not an emergency service.', { size: 'Small', spacing: 'None', color: 'Attention' }),
    ...fieldError(e.childSafeNow, 'childSafeNow'),
  );
  return adaptiveCard(body, [submitAction('Send to the escalation team', 'escalationSubmit', { submissionId: o.submissionId ?? randomUUID() }, 'positive')]);
}
