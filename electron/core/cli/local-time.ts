const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-25 23:27:21` in local time: sortable, and the same in every locale. */
export function localTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}
