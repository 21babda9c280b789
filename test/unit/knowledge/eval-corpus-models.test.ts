/**
 * `npm run eval:corpus -- --models DIR` scores a retraining before it replaces models/, and refuses models that
 * were trained on other train batches (their figures would describe another corpus).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ARTEFACT_NAMES } from '../../../src/knowledge/understand/artefacts';

const ROOT = path.join(__dirname, '..', '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.js'), path.join(ROOT, 'src', 'cli', 'eval-corpus.cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('eval:corpus --models', () => {
  it('refuses models trained on other train batches, naming the retraining that would fit', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'other-models-'));
    try {
      for (const name of ARTEFACT_NAMES) fs.copyFileSync(path.join(ROOT, 'models', `${name}.json`), path.join(dir, `${name}.json`));
      const stale = JSON.parse(fs.readFileSync(path.join(dir, 'units.json'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'units.json'), JSON.stringify({ ...stale, corpusHash: 'another-corpus' }));
      const r = run('--models', dir, '--split', 'heldback');
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`units.json in ${dir} was trained on another-corpus, not on this corpus's train batches`);
      expect(r.stderr).toContain(`npm run train -- --corpus ${path.join(ROOT, 'test', 'fixtures', 'messages')} --out ${dir}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it('needs a models folder with --validate', () => {
    const r = run('--validate', 'wj');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--validate WRITER,… needs --models DIR');
  }, 150_000);
});
