import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CONFIG_KEYS, ConfigError, loadConfig, connectionStringProblem } from '../../../src/config';

const root = path.join(__dirname, '../../..');

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('configuration', () => {
  it('gives a working local bot with no settings at all', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.auth.enabled).toBe(false);
    expect(c.storage.connectionString).toBeUndefined(); // npm start then provides Azurite
    expect(c.guidanceDir).toBe('guidance');
    expect(c.safety.sourceMaxAgeYears).toBe(3);
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({ PORT: '', MicrosoftAppId: '  ', ADMIN_IDS: '', AZURE_STORAGE_CONNECTION_STRING: '' });
    expect(c.port).toBe(3978);
    expect(c.auth.enabled).toBe(false);
    expect(c.roles.adminIds).toEqual([]);
  });

  it('reports one readable line per invalid value', () => {
    const p = problems({ PORT: 'abc', AZURE_STORAGE_CONNECTION_STRING: 'this is not one', LOG_LEVEL: 'loud' });
    expect(p).toHaveLength(3);
    expect(p.find((l) => l.startsWith('PORT:'))).toBeDefined();
    expect(p.find((l) => l.startsWith('AZURE_STORAGE_CONNECTION_STRING:'))).toMatch(/malformed connection string/);
    expect(p.find((l) => l.startsWith('LOG_LEVEL:'))).toBeDefined();
  });

  it('accepts the connection string shapes Azure accepts and refuses others', () => {
    expect(connectionStringProblem('UseDevelopmentStorage=true')).toBeUndefined();
    expect(connectionStringProblem('DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b==;EndpointSuffix=core.windows.net')).toBeUndefined();
    expect(connectionStringProblem('TableEndpoint=https://a.table.core.windows.net/;SharedAccessSignature=sv=1&sig=x')).toBeUndefined();
    expect(connectionStringProblem('AccountName=a')).toBeDefined();
    expect(connectionStringProblem('AccountName=a;AccountKey=b;TableEndpoint=not a url')).toBeDefined();
  });

  it('refuses production without Bot Framework credentials or a storage account', () => {
    const p = problems({ NODE_ENV: 'production' });
    expect(p.join('\n')).toMatch(/MicrosoftAppId: production needs/);
    expect(p.join('\n')).toMatch(/AZURE_STORAGE_CONNECTION_STRING: production needs/);
  });

  it('needs a tenant for a single-tenant bot and the password with the id', () => {
    expect(problems({ MicrosoftAppId: 'x' }).join('\n')).toMatch(/MicrosoftAppPassword/);
    expect(problems({ MicrosoftAppId: 'x', MicrosoftAppPassword: 'y' }).join('\n')).toMatch(/MicrosoftAppTenantId/);
  });

  it('documents every key in env.example, with a comment', () => {
    const example = fs.readFileSync(path.join(root, 'env.example'), 'utf8');
    for (const key of CONFIG_KEYS) {
      const line = example.split('\n').findIndex((l) => l.startsWith(`# ${key}=`));
      expect({ key, documented: line > 0 }).toEqual({ key, documented: true });
      // The line above a key is its explanation (or another key of the same group, explained above it).
      expect(example.split('\n')[line - 1].startsWith('#')).toBe(true);
    }
  });

  it('lists every key in the README configuration table, generated from env.example', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const missing = CONFIG_KEYS.filter((k) => !readme.includes(`| \`${k}\` |`));
    expect(missing).toEqual([]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { tableFrom } = require('../../../scripts/config-table.js') as { tableFrom(example: string): string };
    expect(readme).toContain(tableFrom(fs.readFileSync(path.join(root, 'env.example'), 'utf8')));
  });

  it('stops the bot process with exit code 1 and the list of problems', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: 'abc', AZURE_STORAGE_CONNECTION_STRING: 'nonsense' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/configuration has 2 problem/);
    expect(res.stderr).toMatch(/PORT:/);
    expect(res.stderr).toMatch(/AZURE_STORAGE_CONNECTION_STRING:/);
  });
});

describe('embeddings model configuration', () => {
  it('reads the batch size and ingest time-out, with defaults', () => {
    expect(loadConfig({}).model).toMatchObject({ embeddingsBatchSize: 64, embeddingsIngestTimeoutMs: 60_000 });
    expect(loadConfig({ EMBEDDINGS_BATCH_SIZE: '16', EMBEDDINGS_INGEST_TIMEOUT_MS: '120000' }).model).toMatchObject({ embeddingsBatchSize: 16, embeddingsIngestTimeoutMs: 120_000 });
    expect(problems({ EMBEDDINGS_BATCH_SIZE: '5000' }).join('\n')).toMatch(/EMBEDDINGS_BATCH_SIZE/);
  });

  it('refuses an embeddings model without what it needs, or two at once', () => {
    expect(problems({ AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT: 'emb' }).join('\n')).toMatch(/AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT: needs AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY/);
    expect(problems({ OPENAI_EMBEDDINGS_MODEL: 'text-embedding-3-small' }).join('\n')).toMatch(/OPENAI_EMBEDDINGS_MODEL: needs OPENAI_API_KEY/);
    const both = { AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com', AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT: 'emb', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_EMBEDDINGS_MODEL: 'nomic-embed-text' };
    expect(problems(both).join('\n')).toMatch(/not both/);
    expect(problems({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_EMBEDDINGS_MODEL: 'nomic-embed-text' })).toEqual([]);
  });

  it('keeps questions encrypted on the way to a model in production (plain http on loopback only), and Azure on https', () => {
    const prod = { NODE_ENV: 'production', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppTenantId: 't', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', OPENAI_EMBEDDINGS_MODEL: 'm' };
    expect(problems({ ...prod, OPENAI_BASE_URL: 'http://10.0.0.5:11434/v1' }).join('\n')).toMatch(/OPENAI_BASE_URL: must be https in production/);
    expect(problems({ ...prod, OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' })).toEqual([]);
    expect(problems({ ...prod, OPENAI_BASE_URL: 'https://llm.internal.example/v1' })).toEqual([]);
    expect(problems({ AZURE_OPENAI_ENDPOINT: 'http://r.openai.azure.com' }).join('\n')).toMatch(/AZURE_OPENAI_ENDPOINT: must be https/);
  });
});
