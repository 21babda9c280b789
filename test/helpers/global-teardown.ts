export default async function globalTeardown(): Promise<void> {
  const az = (globalThis as Record<string, unknown>).__AZURITE__ as { stop(): Promise<void> } | undefined;
  await az?.stop();
}
