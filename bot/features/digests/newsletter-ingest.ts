import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { newsletterDocId } from '../../../cards/digest.card';
import type { DigestRecord } from '../../../src/digests/digest.types';
import type { KnowledgeService } from '../../../src/knowledge/knowledge.service';
import type { BotDeps } from '../../deps';

/**
 * The digest service's onPublished: puts the newsletter into the guidance index (kind 'newsletter', with its
 * title, date and link) so "Ask me about this" finds it. The knowledge service ingests files, so the markdown
 * goes through a private temporary file. Throws on failure: the service logs it and sends anyway.
 */
export function newsletterIngester(deps: BotDeps): (digest: DigestRecord, content: { markdown: string }) => Promise<void> {
  return async (digest, { markdown }) => {
    const knowledge = deps.features.knowledge as KnowledgeService | undefined;
    if (!knowledge) {
      deps.logger.warn({ digestId: digest.id }, 'no knowledge service: newsletter not indexed');
      return;
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cscp-newsletter-'));
    try {
      const file = path.join(dir, `${digest.id}.md`);
      await fs.writeFile(file, markdown, 'utf8');
      const report = await knowledge.ingestPaths([file], {
        id: newsletterDocId(digest),
        title: digest.title,
        published: digest.published,
        url: digest.url ?? '',
        kind: 'newsletter',
      });
      if (report.failed.length) throw new Error(`newsletter not indexed: ${report.failed[0].message}`);
      deps.logger.info({ digestId: digest.id, added: report.added.length, updated: report.updated.length, chunks: report.chunks }, 'newsletter indexed');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  };
}
