// Polling for tests: ask until the answer is truthy, or fail naming what was awaited.

/** Calls `probe` every `every` ms until it returns something truthy (returned), or throws after `ms`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  { ms = 30_000, every = 200 }: { ms?: number; every?: number } = {},
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
