import { adaptiveCard, heading, submitAction, text, type AdaptiveCard } from './card';

export interface WelcomeCardOptions {
  /** First visit (install) vs. an explicit `help`. */
  greeting: boolean;
  isAdmin?: boolean;
  isTrainer?: boolean;
  /** Shown on the "help" reply to an unknown command so the user knows why they got the menu. */
  notice?: string;
}

const section = (title: string, lines: string[]) => ({
  type: 'Container',
  spacing: 'Medium',
  items: [text(title, { weight: 'Bolder' }), text(lines.map((l) => `- ${l}`).join('\n'), { spacing: 'Small' })],
});

/** The welcome/help card: what the bot does for each kind of user, with a button per feature. */
export function buildWelcomeCard(opts: WelcomeCardOptions): AdaptiveCard {
  const body = [
    heading(opts.greeting ? 'Welcome to the CSCP assistant' : 'How I can help'),
    text(
      'I answer questions from the Coventry Safeguarding Children Partnership’s published guidance, with the source quoted, and help you with newsletters, training, the parent survey and escalations.',
    ),
    {
      type: 'Container',
      style: 'attention',
      items: [text('**If a child is in immediate danger, call 999.** I am not an emergency service.', { spacing: 'None' })],
    },
    ...(opts.notice ? [text(opts.notice, { isSubtle: true })] : []),
    section('Practitioners', [
      'Ask a question in your own words, e.g. “who do I contact about Prevent?”',
      'Every answer quotes the guidance and links its source',
    ]),
    section('Newsletter subscribers', ['Type **subscribe** or **unsubscribe** to get the quarterly newsletter digest here']),
    section('Training', ['Type **training** to see and book multi-agency training; trainers publish sessions and reminders']),
    section('DSLs and practitioners', [
      'Type **escalate** to raise a professional disagreement or an issue for the Board',
      'Type **survey** to get the anonymous Parents & Carers Voices survey link',
    ]),
  ];
  if (opts.isAdmin || opts.isTrainer) {
    const lines: string[] = [];
    if (opts.isAdmin) lines.push('Admin: **digest new** (or send the newsletter file), **digest report**, **survey set URL**, **survey report**, **escalations here**, **escalations report**, **answers report**, **roles**, **erase**');
    if (opts.isTrainer) lines.push('Trainer: **training new**, **training list**, **training remind**, **training courses**');
    body.push(section('Your staff commands', lines));
  }
  const actions = [
    submitAction('Subscribe to the newsletter', 'subscribe'),
    submitAction('Training', 'training'),
    submitAction('Parent survey', 'survey'),
    submitAction('Escalate a concern', 'escalate'),
  ];
  return adaptiveCard(body, actions);
}
