import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadNewsletter, findNewsletterAttachment } from '../../../../../bot/features/digests/newsletter-download';
import { urlAllowed } from '../../../../../bot/trust';

/** SharePoint only; loopback too when `loopback` (outside production). */
const hosts = (loopback: boolean) => ({ allowed: (u: string) => urlAllowed(u, ['*.sharepoint.com'], loopback) });

describe('newsletter attachments', () => {
  it('finds the Teams file (download.info), other clients’ files, and skips the HTML copy of the message', () => {
    expect(
      findNewsletterAttachment([
        { contentType: 'text/html', content: '<p>hi</p>' },
        { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'Autumn.DOCX', contentUrl: 'https://x/sp', content: { downloadUrl: 'https://x/dl?tempauth=1', fileType: 'docx' } },
      ]),
    ).toEqual({ name: 'Autumn.DOCX', url: 'https://x/dl?tempauth=1' });
    expect(findNewsletterAttachment([{ contentType: 'text/markdown', name: 'n.md', contentUrl: 'data:text/markdown;base64,IyBB' }])).toEqual({ name: 'n.md', url: 'data:text/markdown;base64,IyBB' });
    expect(findNewsletterAttachment([{ contentType: 'image/png', name: 'photo.png', contentUrl: 'https://x/p.png' }])).toEqual({ unsupported: '.png' });
    expect(findNewsletterAttachment([{ contentType: 'text/html', content: '<p>hi</p>' }])).toBeUndefined();
  });

  it('reads data: URLs; refuses http off this machine, http when not allowed, and anything over the limit (header or stream)', async () => {
    expect((await downloadNewsletter('data:text/markdown;base64,IyBOZXdz', hosts(false))).toString()).toBe('# News');
    await expect(downloadNewsletter('http://example.org/n.md', hosts(true))).rejects.toMatchObject({ fieldErrors: { file: 'not https' } });
    await expect(downloadNewsletter('file:///etc/passwd', hosts(true))).rejects.toMatchObject({ fieldErrors: { file: 'not https' } });

    const server = http.createServer((req, res) => {
      if (req.url === '/chunked') {
        res.writeHead(200); // no content-length: the limit applies while reading
        res.write(Buffer.alloc(600, 'a'));
        res.end(Buffer.alloc(600, 'a'));
      } else {
        res.writeHead(200, { 'content-length': '5' });
        res.end('hello');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(downloadNewsletter(`${base}/ok`, hosts(false))).rejects.toMatchObject({ fieldErrors: { file: 'not https' } });
      expect((await downloadNewsletter(`${base}/ok`, hosts(true))).toString()).toBe('hello');
      await expect(downloadNewsletter(`${base}/ok`, { ...hosts(true), maxBytes: 4 })).rejects.toMatchObject({ fieldErrors: { file: 'too large' } });
      await expect(downloadNewsletter(`${base}/chunked`, { ...hosts(true), maxBytes: 1000 })).rejects.toMatchObject({ fieldErrors: { file: 'too large' } });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
