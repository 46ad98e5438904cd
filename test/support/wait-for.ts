/**
 * Reads until `done` accepts what was read, every 150 ms, and returns that; after `timeoutMs`
 * fails naming `what` and the last value read, so a stuck test says what it was waiting for.
 */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const started = Date.now();
  let last = await read();
  while (!done(last)) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
    last = await read();
  }
  return last;
}
