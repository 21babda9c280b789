import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A bot instance in its own process (test/helpers/bot-process.main.ts, run with tsx): what a test kills with
 * SIGKILL (a crash) or runs twice (two App Service instances on one storage account).
 */
export class BotProcess {
  /** Every bot process started here and still running: killed when this process exits, whatever the reason. */
  private static readonly live = new Set<ChildProcess>();
  static {
    process.once('exit', () => {
      for (const c of BotProcess.live) c.kill('SIGKILL');
    });
  }
  port = 0;
  instanceId = '';
  /** stderr (its logs), kept for a failing test's message. */
  logs = '';
  /** Log lines seen so far that contain each watched text (see `watch`), counted as they arrive. */
  private readonly watched = new Map<string, number>();
  private partial = '';
  private exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    BotProcess.live.add(child);
    this.exited = new Promise((r) =>
      child.once('exit', (code) => {
        BotProcess.live.delete(child);
        r(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/messages`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts one and resolves when it listens. `env` is its whole configuration (on top of PATH and HOME). */
  static async start(env: Record<string, string>, timeoutMs = 60_000): Promise<BotProcess> {
    const main = path.join(__dirname, 'bot-process.main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: path.join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', PORT: '0', BIND_HOST: '127.0.0.1', LOG_LEVEL: 'warn', DELIVERY_JOURNAL_DIR: path.join(os.tmpdir(), 'cscp-test-delivery-journal'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bot = new BotProcess(child);
    child.stderr!.on('data', (d) => {
      const text = d.toString();
      if (bot.watched.size) {
        const lines = (bot.partial + text).split('\n');
        bot.partial = lines.pop() ?? '';
        for (const line of lines) for (const [w, n] of bot.watched) if (line.includes(w)) bot.watched.set(w, n + 1);
      }
      bot.logs += text;
      if (bot.logs.length > 200_000) bot.logs = bot.logs.slice(-100_000);
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`bot process not ready within ${timeoutMs} ms:\n${bot.logs.slice(-2000)}`)), timeoutMs);
      child.stdout!.on('data', (d) => {
        out += d.toString();
        const m = /READY (\d+) (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          bot.port = Number(m[1]);
          bot.instanceId = m[2];
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bot process exited (${code}) before it was ready:\n${bot.logs.slice(-2000)}`));
      });
    });
    return bot;
  }

  /** Starts counting log lines that contain `text` (the logs are trimmed; this count is not). */
  watch(text: string): void {
    if (!this.watched.has(text)) this.watched.set(text, 0);
  }

  /** How many log lines containing a watched `text` arrived since `watch(text)`. */
  seen(text: string): number {
    return this.watched.get(text) ?? 0;
  }

  /** kill -9: no graceful stop, no lease released, claims left as they were. */
  async kill9(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the graceful stop; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.alive) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
