import * as path from 'node:path';
import { readSeedCourses } from '../../../src/training/course-catalog.parser';
import { courseNamedIn } from '../../../src/training/course-match';

// The courses the bundled guidance seeds (the annual report's and the newsletters' lists).
const courses = readSeedCourses(path.join(__dirname, '../../../guidance'));
const named = (message: string) => courses.find((c) => c.id === courseNamedIn(message, courses))?.name;

describe('the course a training ask names', () => {
  it('finds the course by the words only its name has, however the ask is typed', () => {
    expect(named('any self harm training dates coming up?')).toBe('Self-Harm & Safeguarding');
    expect(named('when is the next Five to Thrive session, I would like to go')).toBe('Five to Thrive');
    expect(named('is there anything on neglect running soon')).toBe('Understanding Child Neglect');
  });

  it('prefers the course whose own words the ask covers most', () => {
    expect(named('when is the next substance misuse in pregnancy session')).toBe('Substance Misuse in Pregnancy');
    expect(named('parental substance misuse course?')).toBe('Understanding Parental Substance Misuse');
    expect(named('nspcc workshop dates')).toBe('NSPCC – Online Safety Workshop');
  });

  it('reads the glossary acronyms as their words', () => {
    expect(named('CSE training dates?')).toBe('Child Sexual Exploitation');
    expect(named('lado course dates')).toBe('Management of Allegations (LADO)');
  });

  it('names no course when only common words are shared or two courses share the best words', () => {
    expect(named('training')).toBeUndefined();
    expect(named('courses')).toBeUndefined();
    expect(named('any safeguarding training for our team?')).toBeUndefined();
    expect(named('any courses for new staff this term?')).toBeUndefined();
    expect(named('next working together to safeguard children course?')).toBe('Working Together to Safeguard Children');
    expect(named('safeguarding awareness e-learning, is it still open?')).toBe('Safeguarding Awareness E-Learning');
    // the taught course and the e-learning have the same distinctive words
    expect(named('domestic abuse training')).toBeUndefined();
    expect(named('any county lines training?')).toBeUndefined();
  });

  it('does not take an everyday word for a course that uses it', () => {
    expect(named('any training in the next five weeks?')).toBeUndefined(); // not Five to Thrive
    expect(named('any training for professionals?')).toBeUndefined(); // not Professional Curiosity
    expect(named('have the training dates changed?')).toBeUndefined(); // not Pathway to Change
    expect(named('can you help me find the right course')).toBeUndefined(); // not Right Help, Right Time
    expect(named('any courses for people who work with children')).toBeUndefined(); // not Working Together
  });

  it('never counts the words of training itself, even in a course a trainer named so', () => {
    const withOwn = [...courses, { id: 'dsl-training', name: 'DSL Training' }];
    expect(courseNamedIn('any training coming up?', withOwn)).toBeUndefined();
    expect(courseNamedIn('training', withOwn)).toBeUndefined();
    expect(courseNamedIn('dsl training dates', withOwn)).toBe('dsl-training');
  });

  it('names nothing when there are no courses', () => {
    expect(courseNamedIn('self harm training', [])).toBeUndefined();
  });
});
