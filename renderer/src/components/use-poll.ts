import { useEffect, type Dispatch, type SetStateAction } from 'react';

/** While something is still to come (an archive, a report), it is asked for again this often. */
export const PENDING_POLL_MS = 2_500;

/**
 * While `pending`, counts `poll` up every `ms` — the view keeps `poll` among its request's
 * dependencies (it is needed before `pending` is known), so it is asked again until nothing is
 * pending any more.
 */
export function usePoll(
  pending: boolean,
  poll: number,
  setPoll: Dispatch<SetStateAction<number>>,
  ms: number = PENDING_POLL_MS,
): void {
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => setPoll((n) => n + 1), ms);
    return () => clearTimeout(timer);
  }, [pending, poll, setPoll, ms]);
}
