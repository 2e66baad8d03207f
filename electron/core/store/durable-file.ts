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
 * Writes a small file under the temp name `tmp`, fsyncs it, and renames it into place: a reader
 * or a crash sees the old content or the new, never half of it. `mode` is given when the temp
 * file is created, before any byte is in it: a file of secrets is never readable by others, even
 * for a moment. On failure the temp file is gone and `final` is as it was.
 */
export async function writeFileDurably(
  tmp: string,
  final: string,
  data: string,
  mode = 0o644,
): Promise<void> {
  try {
    // A temp file left by a crash would keep its mode: start from a new one.
    await fs.promises.rm(tmp, { force: true });
    const handle = await fs.promises.open(tmp, 'w', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await publishFile(tmp, final);
  } catch (error) {
    // The write's own error says what went wrong, not a failure to clean up after it.
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * `writeFileDurably` under a temp name beside `file`, one per process: writes of one file in a
 * process must run one after another.
 */
export async function writeFileAtomically(
  file: string,
  data: string,
  { mode = 0o644 }: { mode?: number } = {},
): Promise<void> {
  await writeFileDurably(`${file}.${process.pid}.tmp`, file, data, mode);
}
