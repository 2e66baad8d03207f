/** Durations as users write them: `250ms`, `10s`, `30m`, `1h`, `7d`, or combined (`1h30m`, `3m 10s`). */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** One number with its unit; a duration is one or more of them. */
export const DURATION_PART = String.raw`(\d+(?:\.\d+)?)(ms|s|m|h|d)\s*`;

const PART = new RegExp(DURATION_PART, 'y');

/** Milliseconds, or null when `text` is not a duration with units. */
export function parseDuration(text: string): number | null {
  const input = text.trim();
  if (input === '') return null;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const start = PART.lastIndex;
    const match = PART.exec(input);
    if (!match || match.index !== start) return null;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return Math.round(total);
}

/** A short human form: `850ms`, `42s`, `3m 10s`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1_000) return `${value}ms`;
  const s = Math.floor(value / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
