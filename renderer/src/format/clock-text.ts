/** The time of day of a moment in the user's local time (`14:03:12`), for lists where the date is plain. */
const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function clockText(iso: string | null): string {
  if (iso === null) return '–';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : clock.format(ms);
}
