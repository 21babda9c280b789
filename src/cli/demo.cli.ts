/*
 * npm run demo
 * Seeds a clearly labelled sample into the local Azurite (the one `npm start` uses) so a first run shows every
 * feature: admin, trainer and escalation-team roles for the Agents Playground's user, two upcoming training
 * sessions, a parent-survey link and a draft newsletter to preview. Refuses NODE_ENV=production and real storage.
 */
import * as path from 'node:path';
import { systemClock } from '../clock';
import { azuriteConnectionString, declaredEnvironment, loadConfigOrExit } from '../config';
import { demoRefusal, PLAYGROUND_USER_AAD_ID, seedSample } from '../demo/sample-data';
import { formatLondon } from '../digests/london-time';
import { createLogger } from '../logger';
import { createTables } from '../storage/tables';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startAzurite } = require('../../scripts/azurite.js') as {
  startAzurite(opts: { port: number; location: string }): Promise<{ port: number; stop(): Promise<void> }>;
};

const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  if (declaredEnvironment() === 'production') {
    process.stderr.write('npm run demo is for trying the bot locally: it refuses to run with NODE_ENV=production.\n');
    return 1;
  }
  const config = loadConfigOrExit(process.env);
  const refusal = demoRefusal(config);
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    return 1;
  }
  let stopAzurite: (() => Promise<void>) | undefined;
  let cs = config.storage.connectionString;
  if (!cs) {
    cs = azuriteConnectionString(config.storage.azuriteTablePort);
    // `npm start` may already be running its Azurite: then the sample goes straight into it.
    if (!(await createTables(cs, config.storage.tablePrefix).ping(1500))) {
      const location = path.resolve(config.storage.azuriteLocation);
      try {
        const azurite = await startAzurite({ port: config.storage.azuriteTablePort, location });
        stopAzurite = () => azurite.stop();
      } catch (e) {
        process.stderr.write(`Azurite could not start on port ${config.storage.azuriteTablePort}: ${(e as Error).message}\n`);
        return 1;
      }
    }
  }
  try {
    const tables = createTables(cs, config.storage.tablePrefix);
    await tables.ensureAll();
    const r = await seedSample({ tables, config, clock: systemClock, logger: createLogger('silent') });
    say('Sample data for trying the bot locally (labelled SAMPLE wherever it shows):');
    say(`  - roles: ${r.roles.join(', ')} for the Agents Playground user (Entra object id ${PLAYGROUND_USER_AAD_ID})`);
    for (const s of r.sessions) say(`  - training: ${s.courseName}, ${s.mode}, ${formatLondon(s.startUtc)} UK time${s.created ? '' : ' (already there)'}`);
    say(`  - parent survey link: ${r.survey.url}${r.survey.set ? '' : ' (already set; left as it was)'}`);
    say(`  - newsletter: "${r.digest.title}", ${r.digest.items} stories, a draft ready to preview${r.digest.created ? '' : ' (already there)'}`);
    say();
    say('Next: npm start, open the chat it prints, and type: help · training · survey · digest report (then Preview) · escalate');
    return 0;
  } finally {
    await stopAzurite?.();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`npm run demo failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
