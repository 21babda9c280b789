import * as path from 'node:path';
import { NEWSLETTER_EXTENSIONS } from '../../../src/digests/newsletter-file';
import { UserInputError } from '../../../src/errors';

/** A newsletter is a few MB at most; anything bigger is refused before it is read. */
export const MAX_NEWSLETTER_FILE_BYTES = 10 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;
const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';

export interface NewsletterAttachment {
  name: string;
  url: string;
}

interface Attachment {
  contentType?: string;
  contentUrl?: string;
  name?: string;
  content?: unknown;
}

const isNewsletterName = (name: string | undefined): name is string =>
  Boolean(name) && (NEWSLETTER_EXTENSIONS as readonly string[]).includes(path.extname(name!).toLowerCase());

/**
 * The file in a message: Teams sends `file.download.info` with a pre-authorised `content.downloadUrl`; other
 * clients (the Agents Playground, the Emulator) send the file's own content type with a `contentUrl`.
 * Teams' `text/html` copy of the message body has no name and is skipped.
 */
export function findNewsletterAttachment(attachments: Attachment[] | undefined): NewsletterAttachment | { unsupported: string } | undefined {
  let unsupported: string | undefined;
  for (const a of attachments ?? []) {
    const content = (a.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
    const url = a.contentType === TEAMS_FILE && typeof content.downloadUrl === 'string' ? content.downloadUrl : a.contentUrl;
    const name = a.name ?? (typeof content.fileType === 'string' ? `newsletter.${content.fileType}` : undefined);
    if (!url || !name) continue;
    if (isNewsletterName(name)) return { name, url };
    unsupported ??= path.extname(name) || name;
  }
  return unsupported ? { unsupported } : undefined;
}

export interface DownloadOptions {
  /** Whether the bot may fetch this URL (https on FILE_HOSTS; loopback outside production): every hop is checked. */
  allowed: (url: string) => boolean;
  maxBytes?: number;
  /** The whole download, redirects included (FILE_TIMEOUT_MS). */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const MAX_REDIRECTS = 3;

/**
 * Downloads the attached file from an allowed file host only (Teams' file links are on SharePoint), following
 * at most three redirects and only to allowed hosts, within the time-out; `data:` URLs are read as they are;
 * at most `maxBytes` (MAX_FILE_BYTES). A refused or failed download is a UserInputError the admin can act on.
 */
export async function downloadNewsletter(url: string, opts: DownloadOptions): Promise<Buffer> {
  const max = opts.maxBytes ?? MAX_NEWSLETTER_FILE_BYTES;
  const tooBig = () => new UserInputError(`That file is over ${Math.max(1, Math.round(max / 1024 / 1024))} MB. Send a smaller file, or paste the newsletter with **digest new**.`, { file: 'too large' });
  const notAllowed = () => new UserInputError('I can only download files that Teams shares from your organisation’s OneDrive or SharePoint, over https.', { file: 'not https' });
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserInputError('I could not open that file link.', { file: 'bad link' });
  }
  if (u.protocol === 'data:') {
    const comma = url.indexOf(',');
    const meta = url.slice(5, comma);
    const bytes = meta.endsWith(';base64') ? Buffer.from(url.slice(comma + 1), 'base64') : Buffer.from(decodeURIComponent(url.slice(comma + 1)), 'utf8');
    if (bytes.length > max) throw tooBig();
    return bytes;
  }
  const signal = AbortSignal.timeout(opts.timeoutMs ?? DOWNLOAD_TIMEOUT_MS);
  const failed = () => new UserInputError('I could not download that file just now. Try again, or paste the newsletter with **digest new**.', { file: 'download failed' });
  let res: Response | undefined;
  for (let hop = 0; ; hop++) {
    if (!opts.allowed(u.href)) throw notAllowed();
    res = await (opts.fetchImpl ?? fetch)(u, { redirect: 'manual', signal }).catch(() => {
      throw failed();
    });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (!location) break;
    if (hop >= MAX_REDIRECTS) throw failed();
    await res.body?.cancel().catch(() => undefined);
    try {
      u = new URL(location, u);
    } catch {
      throw failed();
    }
  }
  if (!res.ok || !res.body) throw new UserInputError(`I could not download that file (status ${res.status}). Try sending it again.`, { file: 'download failed' });
  if (Number(res.headers.get('content-length') ?? 0) > max) throw tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > max) throw tooBig();
      chunks.push(Buffer.from(chunk));
    }
  } catch (e) {
    if (e instanceof UserInputError) throw e;
    throw failed();
  }
  return Buffer.concat(chunks);
}
