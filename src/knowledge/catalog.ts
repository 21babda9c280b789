import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { SUPPORTED_EXTENSIONS, type MetaOverrides, toKind } from './parse/document.parser';

const entrySchema = z.object({
  file: z.string().min(1),
  title: z.string().optional(),
  kind: z.string().optional(),
  published: z.string().optional(),
  url: z.string().optional(),
});

export interface CatalogEntry {
  filePath: string;
  meta: MetaOverrides;
}

/**
 * Lists the documents of a guidance folder: every supported file, with metadata from `catalog.json`
 * when the folder has one (title, kind, published "YYYY-MM", url).
 */
export async function readGuidanceFolder(dir: string): Promise<CatalogEntry[]> {
  const names = (await fs.readdir(dir)).filter((n) => (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(n).toLowerCase()));
  const byFile = new Map<string, MetaOverrides>();
  try {
    const raw = JSON.parse(await fs.readFile(path.join(dir, 'catalog.json'), 'utf8'));
    for (const item of z.array(entrySchema).parse(raw)) {
      byFile.set(item.file, { title: item.title, kind: toKind(item.kind), published: item.published, url: item.url });
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path.join(dir, 'catalog.json')}: ${(e as Error).message}`);
  }
  return names.sort().map((n) => ({ filePath: path.join(dir, n), meta: stripUndefined(byFile.get(n) ?? {}) }));
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
