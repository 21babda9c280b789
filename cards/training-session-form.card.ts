import { DateTime } from 'luxon';
import type { Course, TrainingSession } from '../src/training/training.types';
import { adaptiveCard, fieldError, heading, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { noticeBlock, type CardNotice } from './training-sessions.card';
import { peopleText, TRAINING_VERBS } from './training-session.block';

export interface SessionFormInput {
  courses: Pick<Course, 'id' | 'name'>[];
  /** Made when the form is first shown; a double submit then creates one session. */
  requestId: string;
  /** Editing this session (the form is prefilled from it unless `values` are given). */
  session?: TrainingSession;
  /** What was submitted, to re-render with errors without losing the trainer's typing. */
  values?: Record<string, unknown>;
  fieldErrors?: Record<string, string>;
  notice?: CardNotice;
}

const local = (iso: string, fmt: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone('Europe/London').toFormat(fmt);

function fromSession(s: TrainingSession): Record<string, string> {
  return {
    courseId: s.courseId,
    date: local(s.startUtc, 'yyyy-MM-dd'),
    startTime: local(s.startUtc, 'HH:mm'),
    endTime: local(s.endUtc, 'HH:mm'),
    mode: s.mode,
    venue: s.venue ?? '',
    joinUrl: s.joinUrl ?? '',
    capacity: String(s.capacity),
    trainerName: s.trainerName,
    notes: s.notes ?? '',
  };
}

/** `training new` / Edit: course, date, start and end (UK time), in person or online, capacity, trainer, notes. */
export function buildSessionFormCard(input: SessionFormInput): AdaptiveCard {
  const v: Record<string, string> = { mode: 'in-person', ...(input.session ? fromSession(input.session) : {}) };
  for (const [k, val] of Object.entries(input.values ?? {})) if (typeof val === 'string') v[k] = val;
  const err = input.fieldErrors ?? {};
  const str = (k: string) => v[k] ?? '';
  const editing = Boolean(input.session);
  const people = input.session ? input.session.bookedCount + input.session.waitingCount : 0;
  const field = (el: CardElement): CardElement[] => [el, ...fieldError(err[el.id as string], el.id as string)];
  const body: CardElement[] = [
    heading(editing ? 'Change a training session' : 'New training session'),
    ...noticeBlock(input.notice),
    ...(Object.keys(err).length && !input.notice ? [text('Please check the highlighted fields.', { color: 'Attention', weight: 'Bolder' })] : []),
    ...field({
      type: 'Input.ChoiceSet',
      id: 'courseId',
      label: 'Course',
      isRequired: true,
      errorMessage: 'Choose a course.',
      value: str('courseId'),
      choices: input.courses.map((c) => ({ title: c.name, value: c.id })),
    }),
    ...field({ type: 'Input.Date', id: 'date', label: 'Date', isRequired: true, errorMessage: 'Pick a date.', value: str('date') }),
    {
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: 'stretch', items: field({ type: 'Input.Time', id: 'startTime', label: 'Starts (UK time)', isRequired: true, errorMessage: 'Give a start time.', value: str('startTime') }) },
        { type: 'Column', width: 'stretch', items: field({ type: 'Input.Time', id: 'endTime', label: 'Ends (UK time)', isRequired: true, errorMessage: 'Give an end time.', value: str('endTime') }) },
      ],
    },
    ...field({
      type: 'Input.ChoiceSet',
      id: 'mode',
      label: 'How it is held',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Choose in person or online.',
      value: str('mode'),
      choices: [
        { title: 'In person', value: 'in-person' },
        { title: 'Online (Teams)', value: 'online' },
      ],
    }),
    ...field({ type: 'Input.Text', id: 'venue', label: 'Venue (in person)', maxLength: 200, value: str('venue'), placeholder: 'e.g. Council House, Earl Street, Coventry' }),
    ...field({ type: 'Input.Text', id: 'joinUrl', label: 'Join link (online, https://)', style: 'Url', maxLength: 1000, value: str('joinUrl') }),
    // No `min`: clients enforce it silently (the Playground's spin button turns a typed 0 into 1), so the bot
    // checks the number and says what is wrong under the field.
    ...field({ type: 'Input.Number', id: 'capacity', label: 'Places', isRequired: true, errorMessage: 'Give the number of places.', value: str('capacity') === '' ? undefined : Number(str('capacity')) }),
    ...field({ type: 'Input.Text', id: 'trainerName', label: 'Trainer (defaults to you)', maxLength: 100, value: str('trainerName') }),
    ...field({ type: 'Input.Text', id: 'notes', label: 'Notes for attendees', isMultiline: true, maxLength: 1000, value: str('notes') }),
  ];
  if (editing) {
    body.push(
      ...field({
        type: 'Input.Text',
        id: 'reason',
        label: people ? `Reason for the change (sent to the ${peopleText(people)} booked or waiting)` : 'Reason for the change (optional)',
        isMultiline: true,
        maxLength: 500,
        value: str('reason'),
      }),
    );
  }
  // Input.Number must not carry an undefined value key (the SDK rejects it).
  for (const el of body) if (el.type === 'Input.Number' && el.value === undefined) delete el.value;
  const data = { requestId: input.requestId, ...(input.session ? { sessionId: input.session.id } : {}) };
  return adaptiveCard(body, [submitAction(editing ? 'Save changes' : 'Publish session', TRAINING_VERBS.save, data, 'positive')]);
}
