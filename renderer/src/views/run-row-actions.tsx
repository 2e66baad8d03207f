import { useCallback, useMemo } from 'react';
import type { Results } from '../../../shared/api.ts';
import { useAction } from '../components/use-action.ts';
import { useApi } from '../state/dashboard-store.ts';

/** Marks one run as seen: it leaves "Needs attention" (and the tray's count). */
export function AcknowledgeButton({
  source,
  runId,
  className,
}: {
  source: string;
  runId: string;
  className?: string;
}) {
  const api = useApi();
  const acknowledge = useCallback(
    () => api.acknowledge({ source, target: { run: runId } }),
    [api, source, runId],
  );
  const describe = useMemo(
    () => ({
      done: (result: Results['acknowledge']) =>
        result.acknowledged > 0 ? `Acknowledged ${runId}` : `${runId} was already acknowledged`,
      failed: `Could not acknowledge ${runId}`,
    }),
    [runId],
  );
  const { run, busy } = useAction(acknowledge, describe);
  return (
    <button
      type="button"
      className={className}
      disabled={busy}
      aria-label={`Acknowledge ${runId}`}
      onClick={(event) => {
        event.stopPropagation();
        void run();
      }}
    >
      Acknowledge
    </button>
  );
}
