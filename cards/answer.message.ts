import type { AnswerResult, AnswerSource, Intent } from '../src/knowledge/knowledge.types';
import { compactTitle, SAME_SECTION } from '../src/knowledge/answer/compose';
import type { OutgoingMessage } from '../src/delivery/notifier';
import { adaptiveCard, cardAttachment, text, type CardElement } from './card';

/** Teams limits a citation abstract to 160 characters. */
const ABSTRACT_MAX = 160;

function snippet(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "May 2025" from "YYYY-MM" (or the raw value when it isn't one). A table, not toLocaleString: this runs per answer. */
export function formatPublished(published: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(published);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${month} ${m[1]}` : published;
}

/**
 * The schema.org Message entity Teams reads for numbered citation pop-ups (none when nothing is cited) and the
 * "AI generated" label. An urgent reply goes without the label: it leads with the partnership's own emergency
 * instructions (999, MASH, out of hours), fixed text, so nobody reads "call 999" as a machine's suggestion; a
 * passage quoted under them still opens as a pop-up.
 */
export function citationEntity(sources: AnswerSource[], aiGenerated = true): Record<string, unknown> {
  return {
    type: 'https://schema.org/Message',
    '@type': 'Message',
    '@context': 'https://schema.org',
    '@id': '',
    ...(aiGenerated ? { additionalType: ['AIGeneratedContent'] } : {}),
    ...(sources.length ? { citation: sources.map(citationOf) } : {}),
  };
}

function citationOf(s: AnswerSource): Record<string, unknown> {
  return {
    '@type': 'Claim',
    position: s.n,
    appearance: {
      '@type': 'DigitalDocument',
      name: snippet(`${compactTitle(s.title)}${s.section ? ` — ${s.section.split(' › ').pop()}` : ''}`, 80),
      abstract: snippet(s.text, ABSTRACT_MAX),
      // Only a document's own link: a document without one links nowhere (never the partnership's home page).
      ...(s.url ? { url: s.url } : {}),
      keywords: [formatPublished(s.published), ...(s.outdated ? ['may be out of date'] : [])].map((k) => snippet(k, 28)).slice(0, 3),
      image: { '@type': 'ImageObject', name: 'Text' },
    },
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
          title: `Show the passage [${s.n}]`,
          card: adaptiveCard([text(s.text, { size: 'Small' })]),
        },
        ...(s.url ? [{ type: 'Action.OpenUrl', title: 'Open the source', url: s.url }] : []),
      ],
    },
    ...(s.url ? [] : [text('This document has no web link of its own: the passage above is the text the answer quotes.', { isSubtle: true, size: 'Small', spacing: 'Small' })]),
  ];
}

/**
 * Sources the answer text cites with [n] markers, best first. An answer that quotes nothing (not found, an
 * emergency reply without guidance) shows no sources: listing passages it did not use would suggest they answer.
 */
export function citedSources(result: AnswerResult, max = 3): AnswerSource[] {
  return result.sources.filter((s) => result.answer.includes(`[${s.n}]`)).slice(0, max);
}

/**
 * What an offered command does, in the words of its button, and the command the button runs. A newsletter the
 * person may want to stop is offered as their subscriptions (whose card has its own Unsubscribe button): one tap
 * under an answer never unsubscribes anyone.
 */
const OFFERS: Record<Intent, { title: string; run: Intent }> = {
  help: { title: 'See what I can do', run: 'help' },
  subscribe: { title: 'Subscribe me to the newsletter', run: 'subscribe' },
  unsubscribe: { title: 'Manage my newsletter subscription', run: 'my-subscriptions' },
  'my-subscriptions': { title: 'Show my newsletter subscriptions', run: 'my-subscriptions' },
  training: { title: 'Show upcoming training sessions', run: 'training' },
  'my-training': { title: 'Show my training bookings', run: 'my-training' },
  survey: { title: 'Get the parent survey link', run: 'survey' },
  escalate: { title: 'Raise a professional disagreement', run: 'escalate' },
  'my-escalations': { title: 'Show my escalations', run: 'my-escalations' },
};

/**
 * "Or did you want me to: …" — a command the message may have meant, one tap away. The button is a card action
 * (verb `command`) that runs the command as if its word had been typed, in the person's own chat.
 */
export function offerBlock(intent: Intent): CardElement[] {
  const offer = OFFERS[intent];
  return [
    text('Or did you want me to:', { weight: 'Bolder' }),
    { type: 'ActionSet', spacing: 'Small', actions: [{ type: 'Action.Submit', title: offer.title, data: { verb: 'command', intent: offer.run } }] },
  ];
}

/** The command offered under this reply, if any: never beside an emergency reply. */
const offeredIn = (result: AnswerResult): Intent | undefined => (result.urgent ? undefined : result.offeredCommand);

/** The card under an answer: the cited sources with their passage on demand, follow-up questions, an offered command. */
export function buildSourcesCard(result: AnswerResult) {
  // The offered command comes first: when the message was meant as a command, it is what the person wants.
  const offered = offeredIn(result);
  const body: CardElement[] = offered ? offerBlock(offered) : [];
  const shown = citedSources(result);
  if (shown.length) body.push(text('Sources', { weight: 'Bolder', size: 'Medium', ...(body.length ? { spacing: 'Large' } : {}) }), ...shown.flatMap(sourceBlock));
  if (result.followUps.length) {
    body.push(text('You could also ask', { weight: 'Bolder', spacing: 'Large' }));
    for (const q of result.followUps.slice(0, 3)) {
      // A tappable line wraps long questions, where a button would cut them off.
      body.push({
        type: 'Container',
        spacing: 'Small',
        selectAction: { type: 'Action.Submit', title: q, data: { verb: 'ask', question: q } },
        items: [text(`→ ${q}`, { color: 'Accent', spacing: 'None' })],
      });
    }
  }
  return adaptiveCard(body.length ? body : [text('No sources for this reply.')]);
}

export interface AnswerMessageOptions {
  /** Teams shows 👍/👎 (with an optional comment) on the message itself when this is on: teams-ai's feedback loop. */
  feedbackLoop?: boolean;
}

/** The line that introduces a quoted passage (compose.ts: passageLabel, SAME_SECTION). */
const PASSAGE_LABEL = new RegExp(`^(?:From the [^\\n*]{3,200}|${SAME_SECTION}):$`);

/** One Teams message: answer text with [n] markers, citation entities, feedback loop, and the sources card. */
export function buildAnswerMessage(result: AnswerResult, opts: AnswerMessageOptions = {}): OutgoingMessage {
  const notices = result.notices.length ? `\n\n_${result.notices.join(' ')}_` : '';
  // The emergency line must be the first thing anyone sees, so it is set in bold.
  const answer = result.urgent ? result.answer.replace(/^(If a child is in immediate danger, call 999\.)/, '**$1**') : result.answer;
  // Teams' markdown joins single line breaks into one paragraph: each line of the answer (a sentence group, a
  // bullet, the age notice) becomes its own paragraph; the line that introduces a quoted passage ("From the …:",
  // "Also in the same section:" — the first line of a block, never a quoted line) is set in bold, so where one
  // passage ends and the next begins shows.
  const body =
    answer
      .split(/\n{2,}/)
      .flatMap((block) => block.split('\n').map((line, k) => (k === 0 && PASSAGE_LABEL.test(line) ? `**${line}**` : line)))
      .filter((line) => line.trim())
      .join('\n\n') + notices;
  const cited = citedSources(result, 5);
  const withSources = cited.length > 0 || result.followUps.length > 0 || offeredIn(result) !== undefined;
  // The notification / chat-list preview: plain words, no markdown or citation markers.
  const summary = snippet(result.answer.replace(/\[\d+\]/g, '').replace(/[*_`#>]/g, ''), 120);
  return {
    text: body,
    textFormat: 'markdown',
    summary,
    entities: [citationEntity(cited, !result.urgent)],
    ...(opts.feedbackLoop ? { channelData: { feedbackLoopEnabled: true } } : {}),
    ...(withSources ? { attachments: [cardAttachment(buildSourcesCard(result))] } : {}),
  };
}

