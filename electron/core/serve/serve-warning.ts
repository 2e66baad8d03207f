import { isWildcard } from './host-policy.ts';
import { DEFAULT_HOST } from './serve-defaults.ts';

/** What the CLI prints when `serve` listens where other machines can reach it. */
export function exposedWarning(host: string, port: number): string {
  const where = isWildcard(host) ? 'every network interface' : host;
  return (
    `serving on ${where}, port ${port}: other machines can reach this server. The token is all ` +
    'that keeps them out, and the token, the session cookie and your run data cross the ' +
    `network unencrypted. Use --host ${DEFAULT_HOST} (the default) unless that is what you want.` +
    (isWildcard(host)
      ? ' Open it by this machine\'s IP address; host names other than "localhost" are refused.'
      : '')
  );
}
