import type { AlertMember, AlertMessage } from '../../electron/core/model/alert-message.ts';

/**
 * Frozen messages for channel tests: by default the critical `etl run 42 failed` alert carrying
 * `members`; any field can be overridden.
 */
export function messageFactory(
  members: AlertMember[],
): (partial?: Partial<AlertMessage>) => AlertMessage {
  return (partial = {}) => ({
    idempotencyKey: 'db7f3c:42',
    kind: 'alert',
    status: 'firing',
    test: false,
    severity: 'critical',
    title: 'etl run 42 failed',
    lines: ['etl run 42 failed after 3m 3s: 2 of 9 steps failed'],
    members,
    ...partial,
  });
}
