import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freePort, waitForPort } = require('../../scripts/azurite.js') as {
  freePort(): Promise<number>;
  waitForPort(port: number, timeoutMs: number): Promise<void>;
};

export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

/** The Playground's default user (Alex Wilber) sends this Entra object id: give it roles via ADMIN_IDS etc. */
export const PLAYGROUND_USER_AAD_ID = '00000000-0000-0000-0000-0000000000020';

/**
 * The Microsoft 365 Agents Playground (a Teams-like client) against a local bot, driven by headless Chromium.
 * Nothing is mocked here: the page sends real activities to the bot and renders its cards.
 */
export class PlaygroundSession {
  private proc?: ChildProcess;
  private browser?: Browser;
  page!: Page;
  port = 0;

  async start(botPort: number): Promise<this> {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    this.port = await freePort();
    const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
    this.proc = spawn(
      process.execPath,
      [cli, '-e', `http://127.0.0.1:${botPort}/api/messages`, '-c', 'msteams', '--disable-telemetry', '-p', String(this.port)],
      { env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' }, stdio: 'ignore' },
    );
    await waitForPort(this.port, 30_000);
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    this.page = await this.browser.newPage({ viewport: { width: 1280, height: 1200 } });
    await this.page.goto(`http://127.0.0.1:${this.port}/`);
    await this.page.locator('[contenteditable="true"]').first().waitFor({ timeout: 30_000 });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    return this;
  }

  /** Types a message in the chat box and sends it, as a person would. */
  async send(text: string): Promise<void> {
    const box = this.page.locator('[contenteditable="true"]').first();
    await box.click();
    await box.fill(text);
    await this.page.getByRole('button', { name: 'Send Message' }).click();
  }

  /** How many times `text` is on the page now: take it before sending, then wait for one more. */
  async count(text: string | RegExp): Promise<number> {
    return this.page.getByText(text).count();
  }

  /** Sends `message` and waits for a new occurrence of `expected` (so text already in the chat can't satisfy it). */
  async sendAndWait(message: string, expected: string | RegExp, timeoutMs = 15_000): Promise<void> {
    const before = await this.count(expected);
    await this.send(message);
    await this.waitForText(expected, before + 1, timeoutMs);
  }

  /** Waits until `text` is visible `count` times (a later reply repeating earlier text needs count > 1). */
  async waitForText(text: string | RegExp, count = 1, timeoutMs = 15_000): Promise<void> {
    const loc = this.page.getByText(text);
    const deadline = Date.now() + timeoutMs;
    while ((await loc.count()) < count) {
      if (Date.now() > deadline) throw new Error(`the chat did not show ${String(text)} (${count}x) within ${timeoutMs} ms`);
      await this.page.waitForTimeout(100);
    }
    // A card updated in place right after it appeared may already be detached: nothing to scroll to then.
    await loc.nth(count - 1).scrollIntoViewIfNeeded({ timeout: 2_000 }).catch(() => undefined);
  }

  async click(name: string | RegExp, nth: 'first' | 'last' = 'last'): Promise<void> {
    const loc = this.page.getByRole('button', { name });
    await (nth === 'last' ? loc.last() : loc.first()).click();
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.waitForTimeout(300);
    await this.page.screenshot({ path: file });
    return file;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc!.once('exit', r));
      this.proc.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((r) => (timer = setTimeout(r, 3000)));
      if ((await Promise.race([exited.then(() => 'exited'), late])) !== 'exited') {
        this.proc.kill('SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    }
  }
}
