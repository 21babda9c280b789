import type { TurnContext } from 'botbuilder';
import { escapeCardText, type AdaptiveCard } from '../../../cards/card';
import { bookingActionSchema } from '../../../cards/training-booking.submit';
import { buildBookingConfirmationCard } from '../../../cards/training-messages';
import { whenText } from '../../../cards/training-session.block';
import type { CardNotice } from '../../../cards/training-sessions.card';
import type { TrainingService } from '../../../src/training/training.service';
import type { SessionView } from '../../../src/training/training.types';
import type { BotDeps } from '../../deps';
import { replaceSubmittedCard, sendCard } from '../../reply';
import { myTrainingCard, sessionsCard } from './sessions.handler';
import { noticeFor, personOf } from './training-turn';

export interface BookingOutcome {
  card: AdaptiveCard;
  /** A new booking or waiting-list place: the confirmation with "Add to calendar" goes as its own message. */
  confirmation?: SessionView;
}

/** "Book a place" / "Cancel booking" / "Leave the waiting list", whichever way the click arrived. */
export async function performBooking(ctx: TurnContext, deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<BookingOutcome> {
  const person = personOf(ctx);
  const parsed = bookingActionSchema.safeParse(data);
  if (!parsed.success) return { card: await sessionsCard(svc, person.id, undefined, { tone: 'attention', text: 'That button is no longer valid. Here are the sessions coming up.' }) };
  const a = parsed.data;
  let notice: CardNotice;
  let confirmation: SessionView | undefined;
  try {
    if (a.verb === 'trainingBook') {
      const { outcome, view } = await svc.book(a.sessionId, person);
      const what = `${escapeCardText(view.session.courseName)}, ${whenText(view.session)}`;
      if (outcome === 'booked') notice = { tone: 'good', text: `Booked ✓ ${what}. I have sent you the details with an "Add to calendar" link.` };
      else if (outcome === 'waiting') notice = { tone: 'warning', text: `That session is full, so you are on the waiting list (number ${view.waitingPlace ?? '?'} in line). I will message you if a place comes up.` };
      else if (outcome === 'already-booked') notice = { tone: 'good', text: `You already have a place: ${what}.` };
      else notice = { tone: 'warning', text: `You are already on the waiting list (number ${view.waitingPlace ?? '?'} in line).` };
      if (outcome === 'booked' || outcome === 'waiting') confirmation = view;
    } else {
      const { outcome, view } = await svc.cancelBooking(a.sessionId, person.id);
      notice = outcome === 'cancelled' ? { tone: 'good', text: `Cancelled: you are no longer booked on ${escapeCardText(view.session.courseName)}. Thank you for freeing the place.` } : { tone: 'warning', text: 'You had no booking on that session.' };
    }
  } catch (e) {
    notice = noticeFor(ctx, deps, e, a.verb);
  }
  const card = a.view === 'mine' ? await myTrainingCard(svc, person.id, notice) : await sessionsCard(svc, person.id, a.courseId || undefined, notice);
  return { card, confirmation };
}

/** Action.Execute: the invoke answer is the refreshed card; the confirmation is posted to the chat. */
export async function executeBooking(ctx: TurnContext, deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<AdaptiveCard> {
  const verb = (ctx.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb;
  const outcome = await performBooking(ctx, deps, svc, { ...data, ...(verb ? { verb } : {}) });
  if (outcome.confirmation) await sendConfirmation(ctx, deps, outcome.confirmation);
  return outcome.card;
}

/** Action.Submit fallback: the card is updated in place, then the confirmation follows as a new message. */
export async function submitBooking(ctx: TurnContext, deps: BotDeps, svc: TrainingService, data: Record<string, unknown>): Promise<void> {
  const outcome = await performBooking(ctx, deps, svc, data);
  await replaceSubmittedCard(ctx, outcome.card);
  if (outcome.confirmation) await sendConfirmation(ctx, deps, outcome.confirmation);
}

async function sendConfirmation(ctx: TurnContext, deps: BotDeps, view: SessionView): Promise<void> {
  try {
    await sendCard(ctx, buildBookingConfirmationCard(view), view.booking?.status === 'waiting' ? 'Waiting list' : 'Booking confirmed');
  } catch (e) {
    // The booking is saved and the card already says so; a lost confirmation is not worth failing the click.
    deps.logger.warn({ activityId: ctx.activity.id, err: (e as Error).name }, 'booking confirmation not sent');
  }
}
