import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { renderManifest, validateManifest } from '../../../manifest/manifest';

/** Reads a PNG's size and colour type from its IHDR chunk. */
function pngInfo(file: string) {
  const b = fs.readFileSync(file);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), colourType: b[25] };
}

describe('Teams app manifest', () => {
  const botId = randomUUID();
  const manifest = renderManifest({ botId, version: '1.2.3', validDomains: ['bot.example.org', 'www.coventry.gov.uk'] });

  it('validates against the official Teams schema, offline', async () => {
    expect(await validateManifest(manifest)).toEqual([]);
  });

  it('is caught by the validator when broken (the check can fail)', async () => {
    const broken = { ...manifest, id: 'not-a-guid', bots: [{ ...(manifest.bots as object[])[0], scopes: ['nowhere'] }] };
    expect((await validateManifest(broken)).length).toBeGreaterThan(0);
  });

  it('puts the bot in personal, team and group chat with a command for each feature', () => {
    const bot = (manifest.bots as any[])[0];
    expect(bot.botId).toBe(botId);
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    const titles = bot.commandLists[0].commands.map((c: any) => c.title);
    expect(titles).toEqual(expect.arrayContaining(['help', 'subscribe', 'unsubscribe', 'training', 'survey', 'escalate']));
  });

  it('ships a 192×192 colour icon and a 32×32 transparent outline icon', () => {
    const dir = path.join(__dirname, '../../../manifest');
    expect(pngInfo(path.join(dir, 'color.png'))).toMatchObject({ width: 192, height: 192 });
    const outline = pngInfo(path.join(dir, 'outline.png'));
    expect(outline).toMatchObject({ width: 32, height: 32, colourType: 6 }); // RGBA: has an alpha channel
  });

  it('npm run package writes the zip with the bot id from config', async () => {
    const root = path.join(__dirname, '../../..');
    const out = path.join(root, 'build', 'appPackage.zip');
    fs.rmSync(out, { force: true });
    execFileSync(process.execPath, ['scripts/run-ts.js', 'manifest/package.ts'], {
      cwd: root,
      env: { ...process.env, MicrosoftAppId: botId, MicrosoftAppPassword: 'x', MicrosoftAppTenantId: randomUUID() },
      stdio: 'pipe',
    });
    const zip = await JSZip.loadAsync(fs.readFileSync(out));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(packed.bots[0].botId).toBe(botId);
    expect(await validateManifest(packed)).toEqual([]);
  });
});
