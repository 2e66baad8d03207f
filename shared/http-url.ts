import { z } from 'zod';

/** A webhook or heartbeat address: http or https only, in alerts.yaml and in the settings. */
export const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'expected an http:// or https:// URL' },
);
