import fs from 'node:fs';

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/**
 * Opens a listed file for reading, refusing anything that is no longer a regular file: the open
 * does not follow a symlink swapped in since the listing, nor block on a FIFO.
 */
export function openRegular(file: string): number {
  const fd = fs.openSync(file, OPEN_FLAGS);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error(`${file} is no longer a regular file`);
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** A small listed file read whole, with the same refusals. */
export function readSmallFile(file: string): Buffer {
  const fd = openRegular(file);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads on from the file's position until `buffer` is full or the file ends; the bytes read. */
export function readFull(fd: number, buffer: Buffer): number {
  let done = 0;
  while (done < buffer.length) {
    const read = fs.readSync(fd, buffer, done, buffer.length - done, null);
    if (read === 0) break;
    done += read;
  }
  return done;
}
