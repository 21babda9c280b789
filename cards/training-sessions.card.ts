import type { Course, SessionView } from '../src/training/training.types';
import { adaptiveCard, escapeCardText, heading, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { sessionBlock, TRAINING_VERBS } from './training-session.block';

/** The filter's "all courses" choice (a ChoiceSet value may not be empty). */
export const ALL_COURSES = 'all';

export interface CardNotice {
  text: string;
  tone: 'good' | 'warning' | 'attention';
}

export function noticeBlock(n: CardNotice | undefined): CardElement[] {
  if (!n) return [];
  return [{ type: 'Container', style: n.tone === 'good' ? 'good' : n.tone, items: [text(n.text, { weight: 'Bolder' })] }];
}

export interface SessionsCardInput {
  views: SessionView[];
  /** Courses to filter by (those with upcoming sessions). */
  courses: Pick<Course, 'id' | 'name'>[];
  courseId?: string;
  notice?: CardNotice;
  /** More sessions than shown. */
  more?: boolean;
}

/** Upcoming sessions for a practitioner, filterable by course, with a booking button on each. */
export function buildTrainingSessionsCard(input: SessionsCardInput): AdaptiveCard {
  const filterName = input.courses.find((c) => c.id === input.courseId)?.name;
  const body: CardElement[] = [
    heading('Upcoming multi-agency training'),
    ...noticeBlock(input.notice),
    text(filterName ? `Sessions of **${escapeCardText(filterName)}**` : 'All times are UK time. Book a place, and I will remind you before the session.', { isSubtle: true }),
  ];
  if (input.courses.length > 1) {
    body.push({
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [
            {
              type: 'Input.ChoiceSet',
              id: 'courseId',
              label: 'Course',
              value: input.courseId ?? ALL_COURSES,
              choices: [{ title: 'All courses', value: ALL_COURSES }, ...input.courses.map((c) => ({ title: c.name, value: c.id }))],
            },
          ],
        },
        { type: 'Column', width: 'auto', verticalContentAlignment: 'Bottom', items: [{ type: 'ActionSet', actions: [submitAction('Show', TRAINING_VERBS.filter)] }] },
      ],
    });
  }
  if (!input.views.length) body.push(text(filterName ? 'No upcoming sessions of this course yet.' : 'No sessions are open for booking at the moment. Please check again soon.', { spacing: 'Medium' }));
  for (const v of input.views) body.push(sessionBlock(v, { view: 'list', courseId: input.courseId }));
  if (input.more) body.push(text('More sessions are coming up: pick a course above to see them.', { isSubtle: true, size: 'Small' }));
  return adaptiveCard(body, [submitAction('My training', TRAINING_VERBS.mine)]);
}

/** The person's own bookings and waiting-list places. */
export function buildMyTrainingCard(input: { views: SessionView[]; notice?: CardNotice }): AdaptiveCard {
  const body: CardElement[] = [heading('My training'), ...noticeBlock(input.notice)];
  if (!input.views.length) body.push(text('You have no upcoming training booked. Type **training** to see what is on.'));
  for (const v of input.views) body.push(sessionBlock(v, { view: 'mine' }));
  return adaptiveCard(body, [submitAction('See all training', TRAINING_VERBS.list)]);
}
