import type { Course } from '../src/training/training.types';
import { adaptiveCard, escapeCardText, fieldError, heading, submitAction, text, type AdaptiveCard, type CardElement } from './card';
import { noticeBlock, type CardNotice } from './training-sessions.card';
import { TRAINING_VERBS } from './training-session.block';

/** The "add a new course" choice (a ChoiceSet value may not be empty). */
export const NEW_COURSE = 'new';

const KIND: Record<Course['kind'], string> = { course: 'course', 'e-learning': 'e-learning', 'learning event': 'learning event' };

/** The course catalogue for trainers: each course with where it came from, an edit box, and an "add course" form. */
export function buildCoursesCard(input: { courses: Course[]; notice?: CardNotice; values?: Record<string, unknown>; fieldErrors?: Record<string, string> }): AdaptiveCard {
  const err = input.fieldErrors ?? {};
  const body: CardElement[] = [heading('Training courses'), ...noticeBlock(input.notice)];
  const lines = input.courses.map((c) => {
    const from = c.source ? ` · from ${escapeCardText(c.source)}${c.attendance !== undefined ? `, ${c.attendance} attended last year` : ''}` : ' · added by a trainer';
    return `- **${escapeCardText(c.name)}** (${KIND[c.kind]})${from}`;
  });
  body.push(text(lines.length ? lines.join('\n') : 'No courses yet.', { size: 'Small' }));
  body.push(
    text('**Add or rename a course**', { spacing: 'Large' }),
    {
      type: 'Input.ChoiceSet',
      id: 'courseId',
      label: 'Course to rename (leave empty to add a new one)',
      value: typeof input.values?.courseId === 'string' ? input.values.courseId : NEW_COURSE,
      choices: [{ title: '(new course)', value: NEW_COURSE }, ...input.courses.map((c) => ({ title: c.name, value: c.id }))],
    },
    { type: 'Input.Text', id: 'name', label: 'Course name', maxLength: 120, isRequired: true, errorMessage: 'Give the course a name.', value: typeof input.values?.name === 'string' ? input.values.name : '' },
    ...fieldError(err.name, 'name'),
    { type: 'Input.Text', id: 'description', label: 'Description (optional)', isMultiline: true, maxLength: 500, value: typeof input.values?.description === 'string' ? input.values.description : '' },
    ...fieldError(err.description, 'description'),
  );
  return adaptiveCard(body, [submitAction('Save course', TRAINING_VERBS.courseSave, {}, 'positive'), submitAction('New session', TRAINING_VERBS.newSession)]);
}
