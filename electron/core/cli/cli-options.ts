import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../../shared/duration.ts';

/** Commander argument parser for `250ms`, `10s`, `30m`, `1h`, `7d`. */
export function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) {
    throw new InvalidArgumentError(
      'expected a duration with a unit, like 250ms, 10s, 30m, 1h or 7d.',
    );
  }
  return ms;
}

export function positiveIntArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0.');
  return n;
}

export function countArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return n;
}

export function positiveNumberArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0.');
  return n;
}

/** Commander argument parser for an option given more than once: every value, in order. */
export function repeatedArg(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function portArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new InvalidArgumentError('expected a port from 0 to 65535 (0: any free port).');
  }
  return n;
}
