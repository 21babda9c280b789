import type { Booking, TrainingSession } from '../src/training/training.types';
import { adaptiveCard, escapeCardText, heading, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { noticeBlock, type CardNotice } from './training-sessions.card';
import { peopleText, placesCount, sessionFacts, TRAINING_VERBS, whenText } from './training-session.block';
import { sessionInputId } from './training-trainer.submit';

const showCard = (title: string, body: CardElement[], action: CardElement): CardElement => ({
  type: 'Action.ShowCard',
  title,
  card: { type: 'AdaptiveCard', body, actions: [action] },
});

/** The reason box and button that cancel a session (everyone booked is told the reason). */
export function cancelSessionAction(s: TrainingSession): CardElement {
  return showCard(
    'Cancel session',
    [{ type: 'Input.Text', id: sessionInputId('reason', s.id), label: 'Reason (sent to everyone booked or waiting)', isMultiline: true, maxLength: 500, isRequired: true, errorMessage: 'Give a reason.' }],
    submitAction('Cancel this session', TRAINING_VERBS.cancelSession, { sessionId: s.id }, 'destructive'),
  );
}

/** The message box that sends the trainer's own message to everyone booked. */
export function remindAction(s: TrainingSession, requestId: string): CardElement {
  return showCard(
    'Message attendees',
    [{ type: 'Input.Text', id: sessionInputId('message', s.id), label: s.bookedCount ? `Message to the ${peopleText(s.bookedCount)} booked` : 'Message (nobody has booked yet)', isMultiline: true, maxLength: 2000, isRequired: true, errorMessage: 'Write a message.' }],
    submitAction('Send to everyone booked', TRAINING_VERBS.remind, { sessionId: s.id, requestId }, 'positive'),
  );
}

/** "1 of 2 booked · 1 place left", "2 of 2 booked · full · 3 waiting"; a cancelled session says who was told. */
function bookingsText(s: TrainingSession): string {
  const left = Math.max(0, s.capacity - s.bookedCount);
  const waiting = s.waitingCount ? ` · ${s.waitingCount} waiting` : '';
  const told = s.bookedCount + s.waitingCount;
  if (s.status === 'cancelled') return told ? `the ${peopleText(told)} booked or waiting ${told === 1 ? 'was' : 'were'} told` : 'nobody had booked';
  return `${s.bookedCount} of ${s.capacity} booked · ${left ? `${placesCount(left)} left` : 'full'}${waiting}`;
}

/** `training list`: every session not yet over, with bookings and the trainer's actions. */
export function buildTrainerSessionsCard(input: { sessions: TrainingSession[]; requestId: string; notice?: CardNotice }): AdaptiveCard {
  const body: CardElement[] = [heading('Training sessions (trainer view)'), ...noticeBlock(input.notice)];
  if (!input.sessions.length) body.push(text('No upcoming sessions. Use **New session** to publish one.'));
  for (const s of input.sessions) {
    const cancelled = s.status === 'cancelled';
    const items: CardElement[] = [
      text(`**${escapeCardText(s.courseName)}**${cancelled ? ' — ✖ cancelled' : ''}`, { size: 'Medium', ...(cancelled ? { color: 'Attention' } : {}) }),
      text(whenText(s), { spacing: 'None' }),
      text(`${s.mode === 'online' ? 'Online' : escapeCardText(s.venue ?? '')} · ${bookingsText(s)}`, { isSubtle: true, spacing: 'None' }),
    ];
    const actions: CardElement[] = [submitAction('Attendees', TRAINING_VERBS.attendees, { sessionId: s.id })];
    if (!cancelled) actions.push(submitAction('Edit / reschedule', TRAINING_VERBS.edit, { sessionId: s.id }), cancelSessionAction(s), remindAction(s, `${input.requestId}-${s.id.slice(3, 9)}`));
    items.push({ type: 'ActionSet', actions });
    body.push({ type: 'Container', separator: true, spacing: 'Medium', items });
  }
  return adaptiveCard(body, [submitAction('New session', TRAINING_VERBS.newSession, {}, 'positive'), submitAction('Courses', TRAINING_VERBS.courses)]);
}

/** Attendee list of one session: booked people, then the waiting list in order. */
export function buildAttendeesCard(input: { session: TrainingSession; booked: Booking[]; waiting: Booking[]; requestId: string; notice?: CardNotice }): AdaptiveCard {
  const s = input.session;
  const body: CardElement[] = [
    heading(`Attendees: ${escapeCardText(s.courseName)}`),
    ...noticeBlock(input.notice),
    sessionFacts(s, { joinLink: true }),
    text(`**Booked (${input.booked.length} of ${s.capacity})**`, { spacing: 'Medium' }),
    text(input.booked.length ? input.booked.map((b, i) => `${i + 1}. ${escapeCardText(b.personName)}`).join('\n') : 'Nobody has booked yet.', { spacing: 'Small' }),
  ];
  if (input.waiting.length) {
    body.push(
      text(`**Waiting list (${input.waiting.length})**`, { spacing: 'Medium' }),
      text(input.waiting.map((b, i) => `${i + 1}. ${escapeCardText(b.personName)}`).join('\n'), { spacing: 'Small' }),
    );
  }
  if (s.status === 'cancelled') body.push(text(`✖ Cancelled: ${escapeCardText(s.cancelReason ?? '')}`, { color: 'Attention' }));
  const actions: CardElement[] = [submitAction('Download CSV', TRAINING_VERBS.attendeesCsv, { sessionId: s.id })];
  if (s.status !== 'cancelled') actions.push(remindAction(s, input.requestId));
  actions.push(submitAction('All sessions', TRAINING_VERBS.trainerList));
  return adaptiveCard(body, actions);
}

/** `training remind` without a session: pick one of the upcoming sessions and write the message. */
export function buildRemindCard(input: { sessions: TrainingSession[]; requestId: string; values?: Record<string, unknown>; fieldErrors?: Record<string, string>; notice?: CardNotice }): AdaptiveCard {
  const open = input.sessions.filter((s) => s.status === 'scheduled');
  const err = input.fieldErrors ?? {};
  const body: CardElement[] = [heading('Message the people booked on a session'), ...noticeBlock(input.notice)];
  if (!open.length) {
    body.push(text('There are no upcoming sessions to message.'));
    return adaptiveCard(body);
  }
  body.push(
    {
      type: 'Input.ChoiceSet',
      id: 'sessionId',
      label: 'Session',
      isRequired: true,
      errorMessage: 'Choose a session.',
      value: typeof input.values?.sessionId === 'string' ? input.values.sessionId : open[0].id,
      choices: open.map((s) => ({ title: `${s.courseName} — ${whenText(s)} (${s.bookedCount} booked)`, value: s.id })),
    },
    ...(err.sessionId ? [text(`⚠ ${err.sessionId}`, { color: 'Attention', size: 'Small', spacing: 'None' })] : []),
    { type: 'Input.Text', id: 'message', label: 'Message', isMultiline: true, maxLength: 2000, isRequired: true, errorMessage: 'Write a message.', value: typeof input.values?.message === 'string' ? input.values.message : '' },
    ...(err.message ? [text(`⚠ ${err.message}`, { color: 'Attention', size: 'Small', spacing: 'None' })] : []),
  );
  return adaptiveCard(body, [submitAction('Send to everyone booked', TRAINING_VERBS.remind, { requestId: input.requestId }, 'positive')]);
}

/** Replaces the form once a session is published or changed. */
export function buildSessionSavedCard(s: TrainingSession, opts: { created: boolean; told: number }): AdaptiveCard {
  const body: CardElement[] = [
    text(opts.created ? 'Session published ✓' : 'Session saved ✓', { size: 'Large', weight: 'Bolder', style: 'heading', color: 'Good' }),
    text(`**${escapeCardText(s.courseName)}**`),
    sessionFacts(s, { joinLink: true }),
    text(`${placesCount(s.capacity)}. ${opts.created ? 'Practitioners see it when they type **training**.' : opts.told ? `The ${peopleText(opts.told)} booked or waiting ${opts.told === 1 ? 'is' : 'are'} being told.` : 'Nobody has booked yet, so nobody needs telling.'}`, { isSubtle: true }),
  ];
  return adaptiveCard(body, [submitAction('All sessions', TRAINING_VERBS.trainerList), submitAction('New session', TRAINING_VERBS.newSession)]);
}
