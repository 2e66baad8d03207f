type Found<T> = T | undefined | false | null;

/** Reads until a value (not undefined/false/null) comes, or fails after `timeoutMs`. */
async function pollUntil<T>(
  read: () => Promise<{ value: Found<T> }>,
  what: string,
  timeoutMs: number,
  intervalMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { value } = await read();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Polls until `check` returns a value (not undefined/false/null), or fails after `timeoutMs`. A
 * promise it returns is the value, not awaited.
 */
export function waitFor<T>(
  check: () => Found<T>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<T> {
  return pollUntil(() => Promise.resolve({ value: check() }), what, timeoutMs, intervalMs);
}

/** Asks again until `check` resolves to a value (not undefined/false/null). */
export function waitForAsync<T>(
  check: () => Promise<Found<T>>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<T> {
  return pollUntil(async () => ({ value: await check() }), what, timeoutMs, intervalMs);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
