import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { createKnowledgeService } from '../../../src/knowledge/knowledge.service';
import type { Tables } from '../../../src/storage/tables';
import { testTables } from '../../helpers/storage';

const POND = 'Pond safety\n\nCover garden ponds with a rigid mesh whenever toddlers visit the home.\n';
const BATH = 'Bath time\n\nNever leave a baby alone in the bath, not even for a moment.\n';

async function chunkRows(tables: Tables, docId: string): Promise<{ rowKey: string; text: string }[]> {
  const rows: { rowKey: string; text: string }[] = [];
  for await (const e of tables.client('Chunks').listEntities<{ text: string }>({ queryOptions: { filter: `PartitionKey eq '${docId}'` } })) {
    rows.push({ rowKey: e.rowKey as string, text: e.text });
  }
  return rows;
}

describe('knowledge ingestion against Azurite', () => {
  let tables: Tables;
  let dir: string;
  const clock = new ManualClock('2026-01-10T09:00:00Z');
  const config = testConfig();

  beforeAll(async () => {
    tables = await testTables();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cscp-guidance-'));
    fs.writeFileSync(path.join(dir, 'pond.txt'), POND);
    fs.writeFileSync(path.join(dir, 'bath.txt'), BATH);
    fs.writeFileSync(
      path.join(dir, 'catalog.json'),
      JSON.stringify([{ file: 'pond.txt', title: 'Pond leaflet', kind: 'guidance', published: '2025-04', url: 'https://example.org/pond' }]),
    );
  });
  afterAll(async () => {
    await tables.dropAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores documents and passages and answers from the index built out of storage', async () => {
    const service = createKnowledgeService({ tables, config, clock });
    const report = await service.ingestBundled(dir);
    expect(report.added.sort()).toEqual(['bath', 'pond']);
    expect(report.failed).toEqual([]);

    const fresh = createKnowledgeService({ tables, config, clock });
    await fresh.init();
    expect(fresh.documentCount()).toBe(2);
    expect(fresh.chunkCount()).toBe(2);
    const r = await fresh.ask('how should garden ponds be covered when toddlers visit?');
    expect(r.notFound).toBe(false);
    expect(r.sources[0]).toMatchObject({ title: 'Pond leaflet', section: 'Pond safety', published: '2025-04', url: 'https://example.org/pond' });
    expect(r.answer).toContain('rigid mesh');
  });

  it('skips an unchanged document, replaces a changed one and removes a deleted one', async () => {
    const service = createKnowledgeService({ tables, config, clock });
    await service.init();
    const before = await chunkRows(tables, 'pond');

    const again = await service.ingestBundled(dir);
    expect(again.unchanged.sort()).toEqual(['bath', 'pond']);
    expect(await chunkRows(tables, 'pond')).toEqual(before);

    fs.writeFileSync(path.join(dir, 'pond.txt'), 'Pond safety\n\nFence every garden pond with a locked gate at least 1.2 metres high.\n');
    fs.rmSync(path.join(dir, 'bath.txt'));
    clock.advance(60_000);
    const changed = await service.ingestBundled(dir);
    expect(changed.updated).toEqual(['pond']);
    expect(changed.removed).toEqual(['bath']);
    const after = await chunkRows(tables, 'pond');
    expect(after).toHaveLength(1);
    expect(after[0].text).toContain('locked gate');
    expect(after[0].rowKey).not.toEqual(before[0].rowKey);
    expect(await chunkRows(tables, 'bath')).toEqual([]);
    expect(service.documentCount()).toBe(1);
    expect((await service.ask('how high should the gate around a garden pond be?')).answer).toContain('1.2 metres');
    expect((await service.ask('what does the bath time leaflet say about bath mats?')).notFound).toBe(true);
  });

  it('a corrupt file is reported by name; the other files are ingested and the stored version is kept', async () => {
    const service = createKnowledgeService({ tables, config, clock });
    await service.init();
    const pondBefore = await chunkRows(tables, 'pond');
    fs.writeFileSync(path.join(dir, 'leaflet.pdf'), Buffer.from('%PDF-1.4\nnot really\n%%EOF'));
    fs.writeFileSync(path.join(dir, 'scald.txt'), 'Scalds\n\nRun the cold water first when filling a bath for a child.\n');
    const report = await service.ingestBundled(dir);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0].message).toMatch(/leaflet\.pdf/);
    expect(report.added).toEqual(['scald']);
    expect(await chunkRows(tables, 'pond')).toEqual(pondBefore);
    expect(service.documentCount()).toBe(2);

    // A document that became unreadable keeps its last good version in the index.
    fs.writeFileSync(path.join(dir, 'scald.txt'), Buffer.from([0, 1, 2, 0]));
    const broken = await service.ingestBundled(dir);
    expect(broken.failed.map((f) => f.message).join('\n')).toMatch(/scald\.txt/);
    expect(broken.removed).toEqual([]);
    expect((await service.ask('which tap should be run first when filling a bath?')).answer).toContain('cold water');
  });

  it('ingests given paths with metadata from flags', async () => {
    const service = createKnowledgeService({ tables, config, clock });
    await service.init();
    const file = path.join(__dirname, '..', '..', 'fixtures', 'knowledge', 'bruising-protocol.docx');
    const r = await service.ingestPaths([file], { title: 'Bruising protocol', kind: 'guidance', published: '2019-02' });
    expect(r.added).toEqual(['bruising-protocol']);
    const a = await service.ask('what must happen when a baby who is not crawling has a bruise?');
    expect(a.sources[0]).toMatchObject({ title: 'Bruising protocol', published: '2019-02', outdated: true });
    expect(a.answer).toContain('published 2019 — may be out of date');
  });
});
