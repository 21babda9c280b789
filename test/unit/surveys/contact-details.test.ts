import { findContactDetails } from '../../../src/surveys/contact-details';

describe('findContactDetails', () => {
  it.each([
    ['mum is jo.bloggs@example.co.uk', 'email'],
    ['call 07700 900123', 'phone'],
    ['07700900123', 'phone'],
    ['+44 7700 900123', 'phone'],
    ['+44 (0)24 7683 3003', 'phone'],
    ['024 7683 3003', 'phone'],
    ['(024) 7683 3003', 'phone'],
    ['0044 7700 900 123', 'phone'],
    ['447700900123', 'phone'],
    ['7700 900123', 'phone'],
    ['ring 024-7683-3003 after 3', 'phone'],
  ])('finds contact details in %p', (text, kind) => {
    expect(findContactDetails(text)).toBe(kind);
  });

  it.each([
    'St Mary’s Primary, Year 6 parents evening',
    'Foleshill family hub 2024-2025',
    'Room 101, 30 families, 2 sessions',
    'Ofsted URN 103692',
    '',
  ])('leaves ordinary text alone: %p', (text) => {
    expect(findContactDetails(text)).toBeUndefined();
  });
});
