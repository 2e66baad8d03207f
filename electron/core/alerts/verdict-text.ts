import type { ChannelVerdict } from './alert-plan.ts';

/**
 * What happens to a delivery on one channel, in a few words, for the transition log and for
 * `runwatch route`; `time` writes an instant (UTC in the log, local time on the terminal).
 */
export function verdictText(verdict: ChannelVerdict, time: (ms: number) => string): string {
  switch (verdict.kind) {
    case 'unknown':
      return 'unknown: no such channel';
    case 'inactive':
      return `inactive: ${verdict.why}`;
    case 'below':
      return `skipped: below its min_severity ${verdict.minSeverity}`;
    case 'away':
      return 'held: goes in the "while Runwatch was away" digest (the event is late)';
    case 'silenced':
      return `held: silenced until ${time(verdict.until)}`;
    case 'quiet':
      return `held by quiet hours until ${time(verdict.until)}`;
    case 'group':
      return `grouped: folds into one follow-up at ${time(verdict.until)}`;
    case 'now':
      return 'sending now';
  }
}
