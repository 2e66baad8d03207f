import fs from 'node:fs';
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';

/** Never follow a link swapped in at the last step, never block on a FIFO. */
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/**
 * Streams a regular file as the answer, with `headers` on top of its length. Resolves false,
 * having sent nothing, when the file is missing or not a regular file.
 */
export async function sendFile(
  response: http.ServerResponse,
  file: string,
  headers: Record<string, string>,
): Promise<boolean> {
  const handle = await fs.promises.open(file, OPEN_FLAGS).catch(() => null);
  if (!handle) return false;
  const stat = await handle.stat().catch(() => null);
  if (!stat?.isFile()) {
    await handle.close();
    return false;
  }
  response.writeHead(200, { ...headers, 'Content-Length': String(stat.size) });
  if (response.req.method === 'HEAD') {
    await handle.close();
    response.end();
    return true;
  }
  // The stream closes the handle when it ends or fails.
  await pipeline(handle.createReadStream(), response).catch(() => {
    // The browser went away mid-download, or the file became unreadable: the response is
    // torn down and there is no one left to tell.
    response.destroy();
  });
  return true;
}
