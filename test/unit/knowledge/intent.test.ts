import { detectIntent } from '../../../src/knowledge/intent';

describe('detectIntent', () => {
  it.each([
    ['help', 'help'],
    ['what can you do?', 'help'],
    ['Subscribe', 'subscribe'],
    ['please add me to the partnership newsletter', 'subscribe'],
    ['I would like to receive the CSCP bulletins', 'subscribe'],
    ['how do I sign up to the newsletter?', 'subscribe'],
    ['unsubscribe', 'unsubscribe'],
    ['please stop sending me the newsletter', 'unsubscribe'],
    ['am I subscribed?', 'my-subscriptions'],
    ['training', 'training'],
    ['can I book onto the neglect workshop?', 'training'],
    ['show me upcoming training sessions', 'training'],
    ['my bookings', 'my-training'],
    ['which courses am I booked on?', 'my-training'],
    ['could you share the parent survey QR code with me', 'survey'],
    ['I need the carer survey link for a mum I work with', 'survey'],
    ['I want to escalate a decision about a family', 'escalate'],
    ['open the escalation form', 'escalate'],
    ['my escalations', 'my-escalations'],
  ])('%s → %s', (text, intent) => {
    expect(detectIntent(text)).toBe(intent);
  });

  it.each([
    'what training is there on domestic abuse?',
    'how many people attended the LADO training?',
    'where is the escalation policy for professional disagreements?',
    'what did the parent survey ask?',
    'how many subscribers does the newsletter have?',
    'what is the No More Knives project?',
    'who chairs the exploitation subgroup?',
    '',
  ])('leaves questions to the guidance search: %s', (text) => {
    expect(detectIntent(text)).toBeUndefined();
  });
});
