import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { AGENCY_TYPES, SHARE_METHODS, type SurveyLink } from '../src/surveys/survey.types';
import { adaptiveCard, escapeCardText, fieldError, heading, submitAction, text, type AdaptiveCard, type CardElement } from './card';

export interface SurveyCardOptions {
  /** Current link; undefined when no admin has set one yet. */
  link?: SurveyLink;
  /** PNG data URI from SurveyService.qrCode(link.url). */
  qrDataUri?: string;
  now: Date;
  /** Re-render after a refused log: previous answers, errors by input id, and the same submission id. */
  values?: Record<string, string | undefined>;
  errors?: Record<string, string>;
  notice?: string;
  submissionId?: string;
}

/** The message a practitioner can paste into an email, text or letter to a parent or carer. */
export function readyToSendMessage(url: string): string {
  return [
    'Coventry Safeguarding Children Partnership would like to hear from parents and carers.',
    'The "Parents & Carers Voices" survey has five short questions, takes about five minutes and is anonymous: it does not ask for your name.',
    `Please take part here: ${url}`,
  ].join('\n');
}

/** Current month and the two before it, so a share can be logged a little late. */
function monthChoices(now: Date) {
  const m = DateTime.fromJSDate(now, { zone: 'Europe/London' }).startOf('month');
  return [0, 1, 2].map((i) => {
    const d = m.minus({ months: i });
    return { title: d.toFormat('LLLL yyyy'), value: d.toFormat('yyyy-MM') };
  });
}

/** The survey card: link, QR code, ready-to-send message and the anonymous "Log that I shared it" form. */
export function buildSurveyCard(o: SurveyCardOptions): AdaptiveCard {
  const v = o.values ?? {};
  const e = o.errors ?? {};
  const body: CardElement[] = [heading('Parents & Carers Voices survey')];
  if (o.notice) body.push(text(o.notice, { ...(Object.keys(e).length ? { color: 'Attention' } : {}), weight: 'Bolder' }));
  if (!o.link) {
    body.push(text('The survey link has not been set yet. Please ask the CSCP business unit (an admin can type **survey set** followed by the link).'));
    return adaptiveCard(body);
  }
  const url = o.link.url;
  body.push(
    text('Please put the CSCP’s anonymous five-question survey in front of the parents and carers you work with. Show them the QR code, or send them the link.'),
    {
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'auto',
          items: o.qrDataUri ? [{ type: 'Image', url: o.qrDataUri, altText: 'QR code for the survey link', size: 'Large' }] : [],
        },
        {
          type: 'Column',
          width: 'stretch',
          verticalContentAlignment: 'Center',
          items: [text(`[${escapeCardText(url)}](${url})`), text('Scan with a phone camera to open the survey.', { isSubtle: true, size: 'Small' })],
        },
      ],
    },
    text('Ready-to-send message (copy it into an email, text or letter):', { weight: 'Bolder', spacing: 'Medium' }),
    { type: 'Input.Text', id: 'readyMessage', isMultiline: true, value: readyToSendMessage(url), label: 'Message to copy', maxLength: 2000 },
    { type: 'Container', separator: true, spacing: 'Large', items: [text('Log that I shared it', { weight: 'Bolder', size: 'Medium' })] },
    text('This log is anonymous: do not enter any parent’s or child’s name, email address or phone number.', { isSubtle: true, size: 'Small' }),
    {
      type: 'Input.ChoiceSet',
      id: 'agencyType',
      label: 'Your type of agency',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Choose the type of agency',
      value: v.agencyType ?? '',
      choices: AGENCY_TYPES.map((a) => ({ title: a.label, value: a.value })),
    },
    ...fieldError(e.agencyType, 'agencyType'),
    { type: 'Input.Text', id: 'setting', label: 'Setting (e.g. “primary school parents’ evening”)', maxLength: 120, value: v.setting ?? '' },
    ...fieldError(e.setting, 'setting'),
    {
      type: 'Input.Number',
      id: 'families',
      label: 'Number of families',
      min: 1,
      max: 2000,
      isRequired: true,
      errorMessage: 'How many families (1 to 2000)',
      ...(v.families ? { value: Number(v.families) || undefined } : {}),
    },
    ...fieldError(e.families, 'families'),
    {
      type: 'Input.ChoiceSet',
      id: 'method',
      label: 'How you shared it',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose how you shared it',
      value: v.method ?? '',
      choices: SHARE_METHODS.map((m) => ({ title: m.label, value: m.value })),
    },
    ...fieldError(e.method, 'method'),
    {
      type: 'Input.ChoiceSet',
      id: 'month',
      label: 'When',
      style: 'compact',
      value: v.month ?? monthChoices(o.now)[0].value,
      choices: monthChoices(o.now),
    },
    ...fieldError(e.month, 'month'),
  );
  const actions = [
    submitAction('Log that I shared it', 'surveyLog', { submissionId: o.submissionId ?? randomUUID() }, 'positive'),
    { type: 'Action.OpenUrl', title: 'Open the survey', url },
  ];
  return adaptiveCard(body, actions);
}

/** Short thanks after a share was logged (or recognised as already logged). */
export function buildSurveyLoggedCard(families: number, duplicate: boolean): AdaptiveCard {
  return adaptiveCard([
    text(duplicate ? 'Already logged: thank you.' : `Thank you: logged ${families} ${families === 1 ? 'family' : 'families'}.`, {
      weight: 'Bolder',
    }),
    text('Nothing about you, the parents or the children was stored: only the agency type, setting, numbers and month.', { isSubtle: true }),
  ]);
}
