import { afterEach } from 'vitest';

/**
 * A list the test pushes its undo steps to as it sets things up (close a database, stop a
 * session …): after each test they run, last pushed first, each awaited.
 */
export function cleanupAfterEach(): (() => unknown)[] {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return cleanup;
}
