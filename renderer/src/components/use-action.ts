import { useCallback, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useDashboard } from '../state/dashboard-store.ts';

/**
 * Runs a user's action (acknowledge, snooze, test, save) once at a time: `busy` while it runs,
 * and its outcome said in the notice line — what it did, or why it failed.
 */
export function useAction<A extends unknown[], R>(
  action: (...args: A) => Promise<R>,
  describe: { done: (result: R) => string | null; failed: string },
): { run: (...args: A) => Promise<R | null>; busy: boolean } {
  const say = useDashboard((state) => state.say);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      try {
        const result = await action(...args);
        const text = describe.done(result);
        if (text !== null) say({ text, tone: 'ok' });
        return result;
      } catch (error) {
        say({ text: `${describe.failed}: ${errorMessage(error)}`, tone: 'error' });
        return null;
      } finally {
        setBusy(false);
      }
    },
    [action, describe, say],
  );
  return { run, busy };
}
