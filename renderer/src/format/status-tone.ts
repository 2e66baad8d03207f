import type { Outcome } from '../../../shared/events.ts';
import type { Tone } from '../components/tone.ts';

/** A finished run's outcome as a badge tone. */
export function outcomeTone(outcome: Outcome): Tone {
  return outcome;
}

/** Step statuses as a tone (case-insensitive); unknown ones are muted. */
export function stepTone(status: string): Tone {
  switch (status.toLowerCase()) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'running':
      return 'running';
    case 'pending':
      return 'pending';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'muted';
  }
}
