#!/usr/bin/env node
// `npm start`: build if needed, start Azurite (unless a real storage account is configured), the bot with the
// bundled guidance, and the Microsoft 365 Agents Playground against it. Ctrl-C stops all of it, in order.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const { startAzurite } = require('./azurite.js');

const root = path.join(__dirname, '..');
const say = (line) => process.stdout.write(`[start] ${line}\n`);
// Whoever reads our output may be gone (npm killed, terminal closed): a write must not crash the shutdown.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

function build() {
  say('building (TypeScript, incremental)…');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (res.status !== 0) {
    process.stderr.write('Build failed: fix the TypeScript errors above.\n');
    process.exit(1);
  }
}

async function waitHealthy(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return res.json();
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms`);
}

const stops = [];
let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping the playground, the bot (schedulers, in-flight sends, server) and Azurite…`);
  for (const stop of stops) {
    try {
      await stop();
    } catch (e) {
      process.stderr.write(`stop step failed: ${e.message}\n`);
    }
  }
  say('stopped.');
  process.exit(0);
}

async function main() {
  // Installed before anything starts, so a signal during start-up (say, while the Playground comes up) stops
  // what has started so far instead of leaving Azurite or the Playground running.
  // Ctrl-C, SIGTERM (a service manager, `kill`), SIGHUP (the terminal closed): the same orderly stop, exit 0.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));
  // package.json runs this with `exec`, so npm's forwarded signals reach this process. If whatever started us
  // dies without passing a signal on (a shell in between, npm killed with SIGKILL), stop rather than leave the
  // bot, Azurite and the Playground running as orphans.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('parent exited');
  }, 500).unref();
  build();
  const { loadConfigOrExit, azuriteConnectionString } = require(path.join(root, 'dist', 'src', 'config.js'));
  const { startBot } = require(path.join(root, 'dist', 'bot', 'main.js'));
  const { createLogger } = require(path.join(root, 'dist', 'src', 'logger.js'));

  let config = loadConfigOrExit();

  let azurite;
  if (!config.storage.connectionString) {
    const location = path.resolve(root, config.storage.azuriteLocation);
    say(`starting Azurite (Table storage) on 127.0.0.1:${config.storage.azuriteTablePort}, data in ${path.relative(root, location)}/`);
    try {
      azurite = await startAzurite({ port: config.storage.azuriteTablePort, location });
    } catch (e) {
      process.stderr.write(`Azurite could not start: ${e.message}\nIs another Azurite already using port ${config.storage.azuriteTablePort}? Set AZURITE_TABLE_PORT to another port.\n`);
      process.exit(1);
    }
    stops.push(() => azurite.stop());
    config = { ...config, storage: { ...config.storage, connectionString: azuriteConnectionString(azurite.port) } };
  } else {
    say('using the storage account from AZURE_STORAGE_CONNECTION_STRING');
  }

  const logger = createLogger(config.logLevel);
  if (!config.auth.enabled) {
    logger.warn('AUTHENTICATION IS OFF: no MicrosoftAppId configured, so /api/messages accepts unsigned requests. Local use only.');
  }
  const bot = await startBot(config, { logger });
  stops.unshift(() => bot.stop());
  const health = await waitHealthy(`http://127.0.0.1:${bot.port}/healthz`, 30_000);
  say(`bot healthy on port ${bot.port}: storage ${health.storage}, ${health.documents} documents indexed`);

  let playground;
  const bin = path.join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  const pgBin = fs.existsSync(bin) ? bin : require.resolve('@microsoft/m365agentsplayground/cli.js', { paths: [root] });
  playground = spawn(
    process.execPath,
    [pgBin, '-e', `http://127.0.0.1:${bot.port}/api/messages`, '-c', 'msteams', '--disable-telemetry', '-p', String(config.playgroundPort)],
    { cwd: root, env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  playground.stdout.on('data', () => undefined);
  playground.stderr.on('data', () => undefined);
  stops.unshift(
    () =>
      new Promise((resolve) => {
        if (playground.exitCode !== null) return resolve();
        playground.once('exit', () => resolve());
        playground.kill('SIGTERM');
        setTimeout(() => playground.kill('SIGKILL'), 3000).unref();
      }),
  );
  await waitHealthy(`http://127.0.0.1:${config.playgroundPort}/`, 30_000).catch(() => undefined);
  process.stdout.write(`\n  ➜  Open the chat: http://localhost:${config.playgroundPort}  (Microsoft 365 Agents Playground → bot on http://localhost:${bot.port}/api/messages; Ctrl-C to stop)\n\n`);
}

main().catch((e) => {
  process.stderr.write(`Start failed: ${e.stack || e.message}\n`);
  process.exit(1);
});
