import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { createKnowledgeService } from '../../../src/knowledge/knowledge.service';
import type { Tables } from '../../../src/storage/tables';
import { testTables } from '../../helpers/storage';

/** Two instances share storage: what one ingests, the other's index picks up on its next refresh. */
describe('index refresh across instances', () => {
  let tables: Tables;
  let dir: string;
  const clock = new ManualClock('2026-01-10T09:00:00Z');
  const config = testConfig();
  beforeAll(async () => {
    tables = await testTables();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cscp-refresh-'));
    fs.writeFileSync(path.join(dir, 'kites.md'), '# Kite flying\n\nFly kites well away from overhead power lines and railway lines.\n');
  });
  afterAll(async () => {
    await tables.dropAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds only when the stored documents changed', async () => {
    const a = createKnowledgeService({ tables, config, clock });
    const b = createKnowledgeService({ tables, config, clock });
    await a.init();
    await b.init();
    expect(await b.refreshIfChanged()).toBe(false);

    await a.ingestPaths([path.join(dir, 'kites.md')], { title: 'Kite leaflet', kind: 'guidance', published: '2025-06', url: 'https://example.org/kites' });
    expect(b.documentCount()).toBe(0);
    expect(await b.refreshIfChanged()).toBe(true);
    expect(b.documentCount()).toBe(1);
    const answer = await b.ask('kite flying and power lines');
    expect(answer.sources[0]).toMatchObject({ title: 'Kite leaflet', section: 'Kite flying' });
    expect(await b.refreshIfChanged()).toBe(false);
  });
});
