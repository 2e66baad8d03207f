/** Times as people read them here: in the machine's time zone, the same in every locale. */

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-25`. */
function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `23:27`. */
function localClock(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** `2026-11-25 23:27:21`: sortable. */
export function localTime(ms: number): string {
  const date = new Date(ms);
  return `${localDay(date)} ${localClock(date)}:${pad(date.getSeconds())}`;
}

/**
 * A coming time as short as stays clear: `14:30` today, `tomorrow 08:00`, else
 * `2026-11-27 08:00`.
 */
export function untilText(at: number, now: number): string {
  const when = new Date(at);
  const day = localDay(when);
  const today = new Date(now);
  if (day === localDay(today)) return localClock(when);
  const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
  if (day === localDay(tomorrow)) return `tomorrow ${localClock(when)}`;
  return `${day} ${localClock(when)}`;
}
