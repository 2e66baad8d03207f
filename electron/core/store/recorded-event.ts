/**
 * An event as the bus carries it, from its row in `events`. Alerts and outbox members point at
 * the recorded event rather than copying it: a burst of alerts then writes a few bytes each.
 */
export function recordedEvent(id: number, body: string | null): Record<string, unknown> {
  if (body === null) return { id };
  const { type, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return { type, id, ...rest };
}
