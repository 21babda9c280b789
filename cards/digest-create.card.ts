import { MAX_BODY_CHARS } from '../src/digests/digest.store';
import { adaptiveCard, fieldError, heading, submitAction, text, type AdaptiveCard } from './card';

export interface DigestCreateValues {
  title?: string;
  published?: string;
  url?: string;
  content?: string;
  format?: string;
}

/**
 * The admin's "new digest" form: paste the newsletter (markdown or HTML) with its title, date and link.
 * Re-rendered with the typed values and field errors when the submission is refused.
 */
/** A pasted newsletter longer than this is not drawn back into the form: the card would pass Teams' size limit. */
export const CONTENT_ECHO_MAX = 40_000;

export function buildDigestCreateCard(opts: { requestId: string; values?: DigestCreateValues; errors?: Record<string, string>; message?: string }): AdaptiveCard {
  const long = (opts.values?.content?.length ?? 0) > CONTENT_ECHO_MAX;
  const v = long ? { ...opts.values, content: '' } : (opts.values ?? {});
  const e = long ? { ...opts.errors, content: opts.errors?.content ?? 'Too long to show again here: paste it again, or send the file in this chat.' } : (opts.errors ?? {});
  return adaptiveCard(
    [
      heading('New newsletter digest'),
      text('Paste the newsletter as plain text, markdown or HTML (or attach the .txt, .md, .html, .pdf or .docx file in this chat). You will see a preview before anything is sent.', { isSubtle: true }),
      ...(opts.message ? [text(`⚠ ${opts.message}`, { color: 'Attention' })] : []),
      { type: 'Input.Text', id: 'title', label: 'Title', placeholder: 'e.g. CSCP Newsletter, Autumn 2026', value: v.title ?? '', maxLength: 200 },
      ...fieldError(e.title, 'title'),
      { type: 'Input.Date', id: 'published', label: 'Published on', value: v.published ?? '' },
      ...fieldError(e.published, 'published'),
      { type: 'Input.Text', id: 'url', label: 'Link to the full newsletter', style: 'Url', placeholder: 'https://…', value: v.url ?? '', maxLength: 1000 },
      ...fieldError(e.url, 'url'),
      {
        type: 'Input.ChoiceSet',
        id: 'format',
        label: 'Format',
        value: v.format ?? 'auto',
        choices: [
          { title: 'Detect', value: 'auto' },
          { title: 'Plain text', value: 'text' },
          { title: 'Markdown', value: 'markdown' },
          { title: 'HTML', value: 'html' },
        ],
      },
      { type: 'Input.Text', id: 'content', label: 'Newsletter', isMultiline: true, isRequired: true, errorMessage: 'Paste the newsletter', value: v.content ?? '', maxLength: MAX_BODY_CHARS },
      ...fieldError(e.content, 'content'),
    ],
    [submitAction('Preview', 'digestCreate', { requestId: opts.requestId }, 'positive')],
  );
}
