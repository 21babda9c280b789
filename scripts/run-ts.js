// Runs a TypeScript entry point with tsx, quietly: only the script's own output reaches stdout,
// so `npm run --silent ask -- --json ...` stays machine-readable. Forwards args and the exit code.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const [, , file, ...args] = process.argv;
if (!file) {
  process.stderr.write('usage: node scripts/run-ts.js <file.ts> [args...]\n');
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(file), ...args], {
  stdio: 'inherit',
  env: process.env,
});
if (result.error) {
  process.stderr.write(`could not start ${file}: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status === null ? 1 : result.status);
