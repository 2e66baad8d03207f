import type { ApiReply, Snapshot } from '../../../shared/api.ts';
import { FIRST_SCREEN_PATH } from '../../../shared/first-screen.ts';

/**
 * The first screen of runs that the page's response had the browser preload, or null when
 * there is none to be had: the snapshot then comes over the socket alone.
 */
export async function fetchFirstScreen(): Promise<Snapshot | null> {
  try {
    const response = await fetch(FIRST_SCREEN_PATH);
    if (!response.ok) return null;
    const reply = (await response.json()) as ApiReply<'snapshot'>;
    return reply.ok ? reply.result : null;
  } catch {
    return null;
  }
}
