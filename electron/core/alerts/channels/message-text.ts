import type { AlertMessage } from '../../model/alert-message.ts';

/**
 * `[TEST] [CRITICAL] etl run 42 failed`: what a subject or a heading says first. A message that
 * only resolves says `[RESOLVED]`, so nobody reads a recovery as a new failure.
 */
export function headline(message: AlertMessage): string {
  const tag = message.status === 'resolved' ? 'RESOLVED' : message.severity.toUpperCase();
  return `${message.test ? '[TEST] ' : ''}[${tag}] ${message.title}`;
}

/** The first `max` lines, then `…and N more` for the rest, so a digest stays readable. */
export function cappedLines(lines: readonly string[], max: number): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), moreLine(lines.length - max)];
}

export function moreLine(count: number): string {
  return `…and ${count} more`;
}

/** Cuts `text` to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The distinct `source` fields of the members' events, in order. */
export function memberSources(message: AlertMessage): string[] {
  const sources = new Set<string>();
  for (const member of message.members) {
    if (typeof member.event.source === 'string') sources.add(member.event.source);
  }
  return [...sources];
}

/** When the newest member event was detected (its `at`), or its firing time when it has none. */
export function latestAt(message: AlertMessage): Date | null {
  let latest: Date | null = null;
  for (const member of message.members) {
    const at = typeof member.event.at === 'string' ? member.event.at : member.fired_at;
    const date = new Date(at);
    if (!Number.isNaN(date.getTime()) && (latest === null || date > latest)) latest = date;
  }
  return latest;
}
