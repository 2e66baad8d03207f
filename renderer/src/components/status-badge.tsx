import type { Tone } from './tone.ts';

/** A status as a coloured word; the colour classes live in styles.css (`.badge--<tone>`). */
export function StatusBadge({ tone, children }: { tone: Tone; children: string }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}
