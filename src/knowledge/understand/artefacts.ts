/**
 * The trained artefacts (models/*.json at the project root): written by `npm run train`, read once per
 * process. Each records the corpus hash it was fitted on, so a stale artefact is visible.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The project root: the nearest folder above this file with a package.json (works from src/ and dist/). */
export function projectRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'models'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('project root (a folder with package.json and models/) not found');
    dir = up;
  }
}

let modelsOverride: string | undefined;

/** models/ of this checkout, or the folder a CLI was told to read (`--models`, for models of a validation split). */
export const modelsDir = (): string => modelsOverride ?? path.join(projectRoot(), 'models');

/** Every artefact `npm run train` writes, each with the hash of the corpus it was fitted on. */
export const ARTEFACT_NAMES = ['urgent', 'intent', 'ranker', 'questions', 'follow-up', 'units'] as const;

/**
 * Throws unless every artefact in `dir` was trained on `corpusHash` (every one, not one: a training run cut short
 * leaves the folder half old, half new); `retrain` is the command the message tells the person to run.
 */
export function assertModelsTrainedOn(dir: string, corpusHash: string, retrain: string): void {
  for (const name of ARTEFACT_NAMES) {
    const file = path.join(dir, `${name}.json`);
    const trainedOn = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { corpusHash?: string }).corpusHash : 'nothing (missing)';
    if (trainedOn !== corpusHash) throw new Error(`${name}.json in ${dir} was trained on ${trainedOn}, not on this corpus's train batches (${corpusHash}): run ${retrain}`);
  }
}

/** Reads the artefacts from another folder from now on (CLI only; what was read from the old folder is dropped). */
export function useModelsDir(dir: string): void {
  modelsOverride = dir;
  cache.clear();
}

const cache = new Map<string, unknown>();

/** Reads models/<name>.json once; a missing artefact is a clear start-up error. */
export function loadArtefact<T>(name: string): T {
  const hit = cache.get(name);
  if (hit) return hit as T;
  const file = path.join(modelsDir(), `${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`missing trained artefact ${file}: run \`npm run train\``);
  const value = JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  cache.set(name, value);
  return value;
}

/** Writes an artefact (train only) with stable formatting, one weight entry a line for readable diffs. */
export function saveArtefact(name: string, value: unknown, dir = modelsDir()): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(value)}\n`);
  cache.delete(name);
  return file;
}

/** Forget loaded artefacts (after `npm run train` in the same process, and in tests). */
export function clearArtefactCache(): void {
  cache.clear();
}
