import type { AnswerResult, AnswerSource } from '../src/knowledge/knowledge.types';
import type { OutgoingMessage } from '../src/delivery/notifier';
import { adaptiveCard, cardAttachment, text, type CardElement } from './card';

/** Teams limits a citation abstract to 160 characters. */
const ABSTRACT_MAX = 160;

function snippet(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/** "Spring 2025" style date from "YYYY-MM" (or the raw value when it isn't one). */
export function formatPublished(published: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(published);
  if (!m) return published;
  const month = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  return `${month} ${m[1]}`;
}

/** The schema.org Message entity Teams reads for numbered citation pop-ups and the "AI generated" label. */
export function citationEntity(sources: AnswerSource[]): Record<string, unknown> {
  return {
    type: 'https://schema.org/Message',
    '@type': 'Message',
    '@context': 'https://schema.org',
    '@id': '',
    additionalType: ['AIGeneratedContent'],
    citation: sources.map((s) => ({
      '@type': 'Claim',
      position: s.n,
      appearance: {
        '@type': 'DigitalDocument',
        name: snippet(`${s.title}${s.section ? ` — ${s.section}` : ''}`, 80),
        abstract: snippet(s.text, ABSTRACT_MAX),
        url: s.url,
        keywords: [formatPublished(s.published), ...(s.outdated ? ['may be out of date'] : [])].map((k) => snippet(k, 28)).slice(0, 3),
        image: { '@type': 'ImageObject', name: 'Text' },
      },
    })),
  };
}

function sourceBlock(s: AnswerSource): CardElement[] {
  const meta = [s.section, formatPublished(s.published)].filter(Boolean).join(' · ');
  return [
    {
      type: 'Container',
      spacing: 'Medium',
      separator: true,
      items: [
        text(`**[${s.n}] ${s.title}**`, { spacing: 'None' }),
        text(meta, { isSubtle: true, size: 'Small', spacing: 'None' }),
        ...(s.outdated && s.ageNotice ? [text(`⚠ ${s.ageNotice}`, { color: 'Warning', size: 'Small', spacing: 'None' })] : []),
      ],
    },
    {
      type: 'ActionSet',
      spacing: 'Small',
      actions: [
        {
          type: 'Action.ShowCard',
          title: 'Show the passage',
          card: adaptiveCard([text(s.text, { size: 'Small' })]),
        },
        { type: 'Action.OpenUrl', title: 'Open the source', url: s.url },
      ],
    },
  ];
}

/** The card under an answer: each source with its passage on demand, follow-up questions, and 👍/👎 for clients without Teams' feedback buttons. */
export function buildSourcesCard(result: AnswerResult, answerId?: string) {
  const body: CardElement[] = [];
  if (result.sources.length) body.push(text('Sources', { weight: 'Bolder', size: 'Medium' }), ...result.sources.flatMap(sourceBlock));
  if (result.followUps.length) {
    body.push(text('You could also ask', { weight: 'Bolder', spacing: 'Large' }));
    body.push({
      type: 'ActionSet',
      actions: result.followUps.slice(0, 3).map((q) => ({ type: 'Action.Submit', title: snippet(q, 60), data: { verb: 'ask', question: q } })),
    });
  }
  const actions = answerId
    ? [
        { type: 'Action.Submit', title: '👍 Helpful', data: { verb: 'answerFeedback', answerId, rating: 'up' } },
        { type: 'Action.Submit', title: '👎 Not helpful', data: { verb: 'answerFeedback', answerId, rating: 'down' } },
      ]
    : undefined;
  return adaptiveCard(body.length ? body : [text('No sources for this reply.')], actions);
}

export interface AnswerMessageOptions {
  answerId?: string;
  /** Teams shows 👍/👎 on the message itself when this is on (teams-ai's feedback loop). */
  feedbackLoop?: boolean;
}

/** One Teams message: answer text with [n] markers, citation entities, feedback loop, and the sources card. */
export function buildAnswerMessage(result: AnswerResult, opts: AnswerMessageOptions = {}): OutgoingMessage {
  const notices = result.notices.length ? `\n\n_${result.notices.join(' ')}_` : '';
  const ageNotes = result.sources.filter((s) => s.outdated && s.ageNotice).map((s) => `[${s.n}] ${s.ageNotice}.`);
  const body = result.answer + (ageNotes.length && !result.answer.includes('may be out of date') ? `\n\n${ageNotes.join(' ')}` : '') + notices;
  const withSources = result.sources.length > 0 || result.followUps.length > 0;
  return {
    text: body,
    textFormat: 'markdown',
    entities: [result.sources.length ? citationEntity(result.sources) : citationEntityWithout()],
    ...(opts.feedbackLoop ? { channelData: { feedbackLoopEnabled: true } } : {}),
    ...(withSources ? { attachments: [cardAttachment(buildSourcesCard(result, opts.answerId))] } : {}),
  };
}

function citationEntityWithout(): Record<string, unknown> {
  const e = citationEntity([]);
  delete e.citation;
  return e;
}
