import * as path from 'node:path';
import { systemClock } from '../clock';
import { azuriteConnectionString, loadConfigOrExit, type Config } from '../config';
import { createTables, type Tables } from '../storage/tables';
import { createKnowledgeEngine, type KnowledgeEngine } from '../knowledge/knowledge-engine';
import { loadFolderChunks } from '../knowledge/local-corpus';

/**
 * The in-process engine for the command-line tools: same parsing, chunking, search and answering as
 * the bot, built straight from the guidance folder (no storage needed).
 */
export async function cliEngine(dir?: string): Promise<{ engine: KnowledgeEngine; config: Config; errors: string[] }> {
  const config = loadConfigOrExit(process.env);
  const folder = path.resolve(dir ?? config.guidanceDir);
  const { chunks, errors } = await loadFolderChunks(folder);
  const engine = createKnowledgeEngine(chunks, { safety: config.safety, clock: systemClock });
  return { engine, config, errors: errors.map((e) => e.message) };
}

/** Reads `--name value` / `--flag` options; everything else is positional. */
export function parseArgs(argv: string[], valued: string[]): { opts: Record<string, string | true>; rest: string[] } {
  const opts: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (inline !== undefined) opts[name] = inline;
      else if (valued.includes(name) && i + 1 < argv.length) opts[name] = argv[++i];
      else opts[name] = true;
    } else rest.push(a);
  }
  return { opts, rest };
}

/**
 * Table storage for the storage-writing CLIs: the configured account, or the Azurite that `npm start` runs.
 * Returns a message for the person instead when nothing answers.
 */
export async function openCliTables(config: Config): Promise<{ tables: Tables } | { problem: string }> {
  const cs = config.storage.connectionString ?? azuriteConnectionString(config.storage.azuriteTablePort);
  const tables = createTables(cs, config.storage.tablePrefix);
  if (!(await tables.ping(3000))) {
    return {
      problem: config.storage.connectionString
        ? 'Storage is not answering: check AZURE_STORAGE_CONNECTION_STRING.'
        : `No storage: nothing answers on the local Azurite port ${config.storage.azuriteTablePort}. Run \`npm start\` (it starts Azurite) or set AZURE_STORAGE_CONNECTION_STRING.`,
    };
  }
  await tables.ensureAll();
  return { tables };
}
