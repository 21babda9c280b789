import { escapeMarkdown } from '../src/text/markdown';

/** Shared Adaptive Card helpers: version 1.5 (the highest Teams renders) and the attachment envelope. */
export type CardElement = Record<string, unknown>;
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
  msteams?: Record<string, unknown>;
  [key: string]: unknown;
}

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * A typed-in value is never drawn back longer than its input allows: a re-rendered form (after a refusal) can
 * not grow past what was asked for, however long the submission was.
 */
function clipInputValues(node: unknown, depth = 0): void {
  if (!node || typeof node !== 'object' || depth > 12) return;
  if (Array.isArray(node)) {
    for (const n of node) clipInputValues(n, depth + 1);
    return;
  }
  const el = node as Record<string, unknown>;
  if (el.type === 'Input.Text' && typeof el.value === 'string' && typeof el.maxLength === 'number' && el.value.length > el.maxLength) {
    el.value = el.value.slice(0, el.maxLength);
  }
  for (const k of ['body', 'items', 'columns', 'actions', 'card', 'inlineAction']) if (k in el) clipInputValues(el[k], depth + 1);
}

export function adaptiveCard(body: CardElement[], actions?: CardElement[], extra: Record<string, unknown> = {}): AdaptiveCard {
  clipInputValues(body);
  if (actions) clipInputValues(actions);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions && actions.length ? { actions } : {}),
    ...extra,
  };
}

export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: CARD_CONTENT_TYPE, content: card };
}

/** Adaptive Card TextBlocks render a markdown subset: anything echoed from a person goes through this (see escapeMarkdown). */
export const escapeCardText = escapeMarkdown;

export const text = (value: string, extra: Record<string, unknown> = {}): CardElement => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});

export const heading = (value: string): CardElement => text(value, { size: 'Large', weight: 'Bolder', style: 'heading' });

/** A red line under an input, shown when a submission is re-rendered with its field errors. */
export const fieldError = (message: string | undefined, id: string): CardElement[] =>
  message ? [text(`⚠ ${message}`, { color: 'Attention', size: 'Small', spacing: 'None', id: `${id}Error` })] : [];

/**
 * An Action.Submit that also works as a typed command: Teams' messageBack puts `displayText` in the chat,
 * and the bot routes on `verb` whichever way the data arrives.
 */
export function submitAction(title: string, verb: string, data: Record<string, unknown> = {}, style?: 'positive' | 'destructive'): CardElement {
  return {
    type: 'Action.Submit',
    title,
    ...(style ? { style } : {}),
    data: { verb, ...data },
  };
}
