import type { ReactNode } from 'react';

/** A list with nothing in it says so, and what would put something there. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}
