export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `pick` returns a value other than undefined/null/false (or fails after `timeoutMs`). */
export async function waitFor<T>(
  pick: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pick();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
