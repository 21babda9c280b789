import * as fs from 'node:fs';
import * as path from 'node:path';
import JSZip from 'jszip';
import { appVersion, loadConfigOrExit } from '../src/config';
import { renderManifest, validateManifest } from './manifest';

/** `npm run package`: writes build/appPackage.zip (manifest + icons) with the bot id from MicrosoftAppId. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const botId = config.auth.appId;
  if (!botId || !/^[0-9a-f-]{36}$/i.test(botId)) {
    process.stderr.write('Set MicrosoftAppId (the Azure Bot registration\'s app id, a GUID) in .env or the environment first.\n');
    process.exit(1);
  }
  const domains = ['www.coventry.gov.uk'];
  if (config.publicBaseUrl) domains.unshift(new URL(config.publicBaseUrl).host);
  const manifest = renderManifest({ botId, version: appVersion(), validDomains: domains });
  const problems = await validateManifest(manifest);
  if (problems.length) {
    process.stderr.write(`The manifest does not validate:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  for (const icon of ['color.png', 'outline.png']) zip.file(icon, fs.readFileSync(path.join(__dirname, icon)));
  const out = path.resolve('build', 'appPackage.zip');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  process.stdout.write(`Wrote ${path.relative(process.cwd(), out)} (bot ${botId}, version ${appVersion()}). Upload it in Teams: Apps → Manage your apps → Upload an app.\n`);
}

void main();
