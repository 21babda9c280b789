// Starts Azurite's table service on loopback and resolves when it accepts connections.
// Used by `npm start` (on-disk data under .data/) and by the test setup (in memory, free port).
'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`Azurite did not open port ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/**
 * @param {{ port?: number, location?: string, inMemory?: boolean, timeoutMs?: number }} opts
 * @returns {Promise<{ port: number, child: import('node:child_process').ChildProcess, stop: () => Promise<void> }>}
 */
async function startAzurite(opts = {}) {
  const port = opts.port || (await freePort());
  const bin = path.join(__dirname, '..', 'node_modules', 'azurite', 'dist', 'src', 'table', 'main.js');
  if (!fs.existsSync(bin)) throw new Error(`Azurite is not installed (${bin} missing): run npm install`);
  const args = [bin, '--disableTelemetry', '--silent', '--tableHost', '127.0.0.1', '--tablePort', String(port), '--skipApiVersionCheck'];
  if (opts.inMemory) args.push('--inMemoryPersistence');
  else {
    fs.mkdirSync(opts.location, { recursive: true });
    args.push('--location', opts.location);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Azurite exited with code ${code} before it was ready: ${stderr.trim().slice(0, 500)}`))),
  );
  await Promise.race([waitForPort(port, opts.timeoutMs || 20000), exited]);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      // SIGINT: Azurite flushes its on-disk store on SIGINT; SIGTERM can lose the last seconds of writes.
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  return { port, child, stop };
}

module.exports = { startAzurite, freePort, waitForPort };
