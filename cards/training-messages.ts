import { formatLondon } from '../src/digests/london-time';
import { addToCalendarLink } from '../src/training/calendar-link';
import type { OutgoingMessage } from '../src/delivery/notifier';
import type { SessionView, TrainingRenderer, TrainingSession } from '../src/training/training.types';
import { adaptiveCard, cardAttachment, escapeCardText, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { executeAction, openUrl, sessionFacts, TRAINING_VERBS, whenText } from './training-session.block';

const message = (card: AdaptiveCard, summary: string): OutgoingMessage => ({ attachments: [cardAttachment(card)], summary });

const title = (value: string, color?: string): CardElement => text(value, { size: 'Large', weight: 'Bolder', style: 'heading', ...(color ? { color } : {}) });

function bookedActions(s: TrainingSession): CardElement[] {
  const actions: CardElement[] = [];
  if (s.mode === 'online' && s.joinUrl) actions.push(openUrl('Join the session', s.joinUrl));
  actions.push(openUrl('Add to calendar', addToCalendarLink(s)), executeAction('Cancel booking', TRAINING_VERBS.cancelBooking, { sessionId: s.id, view: 'mine' }));
  return actions;
}

/** Sent after "Book a place": the details, the join link for online sessions, and "Add to calendar". */
export function buildBookingConfirmationCard(v: SessionView): AdaptiveCard {
  const s = v.session;
  const waiting = v.booking?.status === 'waiting';
  const body: CardElement[] = [
    title(waiting ? 'You are on the waiting list' : 'Booked ✓', waiting ? 'Warning' : 'Good'),
    text(`**${escapeCardText(s.courseName)}**`),
    sessionFacts(s, { joinLink: !waiting }),
    text(
      waiting
        ? `The session is full; you are number ${v.waitingPlace ?? '?'} in line. If a place comes up it is yours, and I will message you.`
        : 'I will remind you before the session. If you can no longer come, please cancel so someone on the waiting list gets your place.',
      { isSubtle: true },
    ),
  ];
  const actions = waiting ? [executeAction('Leave the waiting list', TRAINING_VERBS.cancelBooking, { sessionId: s.id, view: 'mine' })] : bookedActions(s);
  return adaptiveCard(body, actions);
}

/** The renderer the training service sends through the outbox. */
export const trainingRenderer: TrainingRenderer = {
  reminder(s, plan) {
    const card = adaptiveCard(
      [
        title(`Reminder: training ${plan.label}`),
        text(`**${escapeCardText(s.courseName)}**`),
        sessionFacts(s, { joinLink: plan.includeJoinLink }),
        ...(s.notes ? [text(escapeCardText(s.notes), { isSubtle: true, size: 'Small' })] : []),
        text('Can’t make it any more? Please cancel so someone on the waiting list can have your place.', { isSubtle: true, size: 'Small' }),
      ],
      bookedActions(s),
    );
    return message(card, `Reminder: ${s.courseName} ${plan.label}`);
  },
  cancelled(s, reason) {
    const card = adaptiveCard(
      [
        title('Training session cancelled', 'Attention'),
        text(`**${escapeCardText(s.courseName)}** on ${whenText(s)} has been cancelled by the trainer.`),
        text(`Reason: ${escapeCardText(reason)}`),
        text('Your booking has been removed. Type **training** to find another session.', { isSubtle: true }),
      ],
      [submitAction('See other sessions', TRAINING_VERBS.list, { courseId: s.courseId })],
    );
    return message(card, `Cancelled: ${s.courseName}`);
  },
  changed(s, change) {
    const card = adaptiveCard(
      [
        title(change.previousStartUtc ? 'Training session rescheduled' : 'Training session changed', 'Warning'),
        text(`**${escapeCardText(s.courseName)}**`),
        ...(change.previousStartUtc ? [text(`Previously: ${formatLondon(change.previousStartUtc)}`, { isSubtle: true })] : []),
        sessionFacts(s, { joinLink: s.mode === 'online' }),
        ...(change.reason ? [text(`Reason: ${escapeCardText(change.reason)}`)] : []),
        text('Your booking stays as it was. If you can no longer come, please cancel it.', { isSubtle: true }),
      ],
      bookedActions(s),
    );
    return message(card, `Changed: ${s.courseName}`);
  },
  promoted(s) {
    const card = adaptiveCard(
      [
        title('A place came up: you are booked ✓', 'Good'),
        text(`Someone cancelled, so your waiting-list place on **${escapeCardText(s.courseName)}** is now a booked place.`),
        sessionFacts(s, { joinLink: true }),
        text('If you can no longer come, please cancel so the next person in line gets it.', { isSubtle: true }),
      ],
      bookedActions(s),
    );
    return message(card, `Booked from the waiting list: ${s.courseName}`);
  },
  trainerMessage(s, body, from) {
    const card = adaptiveCard(
      [
        title(`Message from your trainer`),
        text(`About **${escapeCardText(s.courseName)}**, ${whenText(s)}`, { isSubtle: true }),
        text(escapeCardText(body)),
        text(`— ${escapeCardText(from)}`, { isSubtle: true }),
      ],
      bookedActions(s),
    );
    return message(card, `Message about ${s.courseName}`);
  },
};
