import { z } from 'zod';
import { parseDuration } from '../../../shared/duration.ts';

/** A duration as users write it (`250ms`, `10s`, `30m`, `1h`, `7d`), parsed to milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'string' ? parseDuration(value) : null;
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration with a unit, like 250ms, 10s, 30m, 1h or 7d; got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});
