const pad = (n: number) => String(n).padStart(2, '0');

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A coming local time as short as stays clear: `14:30` today, `tomorrow 08:00`, else
 * `2026-11-27 08:00`.
 */
export function untilText(at: number, now: number): string {
  const when = new Date(at);
  const clock = `${pad(when.getHours())}:${pad(when.getMinutes())}`;
  const today = new Date(now);
  if (dayKey(when) === dayKey(today)) return clock;
  const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
  if (dayKey(when) === dayKey(tomorrow)) return `tomorrow ${clock}`;
  return `${dayKey(when)} ${clock}`;
}
