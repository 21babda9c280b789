#!/usr/bin/env node
// Rebuilds the README's configuration table from env.example (the one place keys are documented):
// `node scripts/config-table.js` rewrites the table between its markers; `--check` exits 1 when it is stale.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const START = '<!-- config table: generated from env.example -->';
const END = '<!-- end config table -->';

/** Rows of the table: a bold row per `# --- Section ---`, one row per `# KEY=default` with the comment lines above its group. */
function tableFrom(example) {
  const rows = ['| key | default | what it does |', '|---|---|---|'];
  let comment = [];
  let lastWasKey = false;
  for (const raw of example.split('\n')) {
    const line = raw.trimEnd();
    const section = /^# --- (.+) ---$/.exec(line);
    const key = /^# ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (section) {
      rows.push(`| **${section[1]}** | | |`);
      comment = [];
      lastWasKey = false;
    } else if (key) {
      const value = key[2].trim();
      rows.push(`| \`${key[1]}\` | ${value ? `\`${value}\`` : '—'} | ${comment.join(' ').replace(/\|/g, '\\|')} |`);
      lastWasKey = true;
    } else if (line.startsWith('#') && rows.length > 2) {
      if (lastWasKey) comment = [];
      comment.push(line.replace(/^#\s?/, '').trim());
      lastWasKey = false;
    } else if (!line.startsWith('#')) {
      comment = [];
      lastWasKey = false;
    }
  }
  return rows.join('\n');
}

function main() {
  const example = fs.readFileSync(path.join(root, 'env.example'), 'utf8');
  const readmePath = path.join(root, 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README.md has no config table markers');
  const next = `${readme.slice(0, a + START.length)}\n${tableFrom(example)}\n${readme.slice(b)}`;
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      process.stderr.write('README.md configuration table is out of date: run node scripts/config-table.js\n');
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(readmePath, next);
}

module.exports = { tableFrom };
if (require.main === module) main();
