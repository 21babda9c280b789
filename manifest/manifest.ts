import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ManifestInputs {
  botId: string;
  version: string;
  /** Host names the app may open (the bot's public host, the CSCP site). */
  validDomains: string[];
}

const TEMPLATE = path.join(__dirname, 'manifest.template.json');

/** Fills the manifest template; the result is plain JSON ready for schema validation and packaging. */
export function renderManifest(inputs: ManifestInputs): Record<string, unknown> {
  const raw = fs
    .readFileSync(TEMPLATE, 'utf8')
    .replace(/\$\{BOT_ID\}/g, inputs.botId)
    .replace(/\$\{APP_VERSION\}/g, inputs.version)
    .replace(/\$\{VALID_DOMAINS\}/g, JSON.stringify(inputs.validDomains));
  return JSON.parse(raw) as Record<string, unknown>;
}

/** Validates manifest JSON against the official Teams schema bundled in @microsoft/app-manifest (offline). */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AppManifestUtils } = require('@microsoft/app-manifest') as {
    AppManifestUtils: { validateAgainstSchema(m: unknown): Promise<string[]> };
  };
  return AppManifestUtils.validateAgainstSchema(manifest);
}
