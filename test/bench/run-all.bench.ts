/* npm run bench: runs each bench module in turn (add yours to the list). */
const benches: { name: string; load: () => Promise<{ run(): Promise<void> }> }[] = [
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  { name: 'knowledge', load: async () => require('./knowledge.bench') },
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  { name: 'http', load: async () => require('./http.bench') },
];

async function main(): Promise<void> {
  for (const b of benches) {
    const started = Date.now();
    const mod = await b.load();
    await mod.run();
    process.stdout.write(`(${b.name} bench took ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
