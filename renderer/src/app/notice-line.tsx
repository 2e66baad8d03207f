import { useEffect } from 'react';
import { useDashboard } from '../state/dashboard-store.ts';

/** The outcome of the last action ("Acknowledged 3 runs"), read out by screen readers. */
export function NoticeLine() {
  const notice = useDashboard((state) => state.notice);
  const say = useDashboard((state) => state.say);
  useEffect(() => {
    if (notice === null || notice.tone === 'error') return;
    const timer = setTimeout(() => say(null), 6_000);
    return () => clearTimeout(timer);
  }, [notice, say]);
  return (
    <div className="notice-line" role="status" aria-live="polite">
      {notice !== null && (
        <p className={`notice notice--${notice.tone}`}>
          {notice.text}{' '}
          <button type="button" className="quiet" aria-label="Dismiss" onClick={() => say(null)}>
            ×
          </button>
        </p>
      )}
    </div>
  );
}
