/** Steps done out of the total, as a bar with its numbers for screen readers. */
export function ProgressBar({
  done,
  total,
  stuck = false,
  label,
}: {
  done: number;
  total: number;
  stuck?: boolean;
  label: string;
}) {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div
      className={`progress${stuck ? ' progress--stuck' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={`${done} of ${total} steps`}
    >
      <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
    </div>
  );
}
