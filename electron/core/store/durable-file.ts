import fs from 'node:fs';
import path from 'node:path';

/** Flushes a folder's entries (a rename in it) to disk; a no-op where folders cannot be opened. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Windows refuses to fsync a folder; its renames are durable once the file is.
  } finally {
    await handle.close();
  }
}

/** Renames a finished temp file to its final name and makes the rename durable. */
export async function publishFile(tmp: string, final: string): Promise<void> {
  await fs.promises.rename(tmp, final);
  await fsyncDir(path.dirname(final));
}

/**
 * Writes a small file under a temp name, fsyncs it, and renames it into place. `mode` is given
 * when the temp file is created, before any byte is in it: a file of secrets is never readable
 * by others, even for a moment.
 */
export async function writeFileDurably(
  tmp: string,
  final: string,
  data: string,
  mode = 0o644,
): Promise<void> {
  const handle = await fs.promises.open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await publishFile(tmp, final);
}
