/** Alert severities, ordered (ARCHITECTURE.md §7): info < warning < error < critical. */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;

export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function atLeast(severity: Severity, floor: Severity): boolean {
  return severityRank(severity) >= severityRank(floor);
}

export function maxSeverity(severities: Iterable<Severity>): Severity {
  let best: Severity = 'info';
  for (const severity of severities)
    if (severityRank(severity) > severityRank(best)) best = severity;
  return best;
}
