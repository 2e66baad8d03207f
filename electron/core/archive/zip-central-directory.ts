import fs from 'node:fs';
import zlib from 'node:zlib';

/** One entry as the central directory describes it. */
export interface CentralEntry {
  name: string;
  /** The name as stored, to compare with the local header's. */
  rawName: Buffer;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface CentralDirectory {
  entries: CentralEntry[];
  /** Where the central directory starts: every entry's data ends before it. */
  offset: number;
}

/** The zip is not one that can be read: its structure is broken, or it is not a zip. */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

const EOCD = 0x06054b50;
const EOCD_BYTES = 22;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_EOCD_BYTES = 56;
const CENTRAL_HEADER = 0x02014b50;
const CENTRAL_HEADER_BYTES = 46;
const ZIP64_EXTRA = 0x0001;
const UNICODE_PATH_EXTRA = 0x7075;
const UTF8_NAMES = 0x800;
const MAX_COMMENT = 0xffff;

/** The upper half of IBM code page 437, the encoding of names without the UTF-8 flag. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function cp437(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes)
    out += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return out;
}

/** Fills `buffer` from the file at `position`; a file that ends before is a broken zip. */
export function readInto(fd: number, buffer: Buffer, position: number): void {
  let done = 0;
  while (done < buffer.length) {
    const read = fs.readSync(fd, buffer, done, buffer.length - done, position + done);
    if (read === 0) throw new ZipFormatError('the zip ends early');
    done += read;
  }
}

/** `length` bytes of the file from `position`. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  readInto(fd, buffer, position);
  return buffer;
}

/** Why a name could write outside the folder it is extracted to, if it could (as yauzl checks). */
function unsafeName(name: string): string | null {
  if (name.includes('\\')) return `invalid characters in file name: ${name}`;
  if (/^[a-zA-Z]:/.test(name) || name.startsWith('/')) return `absolute path: ${name}`;
  if (name.split('/').includes('..')) return `invalid relative path: ${name}`;
  return null;
}

/** The end of central directory record, and where it is. */
function findEnd(fd: number, size: number): { at: number; record: Buffer } {
  if (size < EOCD_BYTES) throw new ZipFormatError('too small to be a zip');
  const tailLength = Math.min(size, EOCD_BYTES + MAX_COMMENT);
  const tail = readAt(fd, size - tailLength, tailLength);
  for (let i = tailLength - EOCD_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD) continue;
    // The comment must reach exactly to the end, or this is a signature inside the comment.
    if (i + EOCD_BYTES + tail.readUInt16LE(i + 20) !== tailLength) continue;
    return { at: size - tailLength + i, record: tail.subarray(i, i + EOCD_BYTES) };
  }
  throw new ZipFormatError('end of central directory record signature not found');
}

/** The sizes and offsets a zip64 extra field holds for the fields marked 0xFFFFFFFF. */
function applyZip64(entry: CentralEntry, extra: Buffer): void {
  let at = 0;
  const next = (): number => {
    if (at + 8 > extra.length)
      throw new ZipFormatError(`zip64 extra field too short in ${entry.name}`);
    const value = Number(extra.readBigUInt64LE(at));
    at += 8;
    return value;
  };
  if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next();
  if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
  if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
}

/** Each extra field by its id. */
function extraFields(extra: Buffer): Map<number, Buffer> {
  const fields = new Map<number, Buffer>();
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    fields.set(id, extra.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

function nameOf(raw: Buffer, flags: number, unicode: Buffer | undefined): string {
  if (flags & UTF8_NAMES) return raw.toString('utf8');
  // Info-ZIP's Unicode Path: a UTF-8 name, valid while the CRC of the plain name matches.
  if (unicode !== undefined && unicode.length >= 5 && unicode[0] === 1) {
    if (unicode.readUInt32LE(1) === zlib.crc32(raw)) return unicode.subarray(5).toString('utf8');
  }
  return cp437(raw);
}

/**
 * Reads a zip's central directory in one buffered read (zip64 included) and checks its shape:
 * the entry count, every header's signature, and names that stay inside the folder they would
 * be extracted to.
 */
export function readCentralDirectory(fd: number, size: number): CentralDirectory {
  const end = findEnd(fd, size);
  if (end.record.readUInt16LE(4) !== 0 || end.record.readUInt16LE(6) !== 0) {
    throw new ZipFormatError('multi-disk zips are not supported');
  }
  let count = end.record.readUInt16LE(10);
  let cdSize = end.record.readUInt32LE(12);
  let cdOffset = end.record.readUInt32LE(16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locatorAt = end.at - ZIP64_LOCATOR_BYTES;
    const locator = locatorAt >= 0 ? readAt(fd, locatorAt, ZIP64_LOCATOR_BYTES) : null;
    if (locator?.readUInt32LE(0) !== ZIP64_LOCATOR) {
      throw new ZipFormatError('zip64 end of central directory locator not found');
    }
    const recordAt = Number(locator.readBigUInt64LE(8));
    if (recordAt + ZIP64_EOCD_BYTES > locatorAt) throw new ZipFormatError('bad zip64 locator');
    const record = readAt(fd, recordAt, ZIP64_EOCD_BYTES);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) {
      throw new ZipFormatError('zip64 end of central directory record signature not found');
    }
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > end.at)
    throw new ZipFormatError('the central directory lies past its end');
  const cd = readAt(fd, cdOffset, cdSize);
  const entries: CentralEntry[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + CENTRAL_HEADER_BYTES > cd.length || cd.readUInt32LE(at) !== CENTRAL_HEADER) {
      throw new ZipFormatError(`central directory entry ${index + 1} is missing or damaged`);
    }
    const flags = cd.readUInt16LE(at + 8);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const nameStart = at + CENTRAL_HEADER_BYTES;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > cd.length)
      throw new ZipFormatError(`central directory entry ${index + 1} is cut short`);
    const extras = extraFields(cd.subarray(extraStart, extraStart + extraLength));
    const rawName = cd.subarray(nameStart, extraStart);
    const entry: CentralEntry = {
      name: nameOf(rawName, flags, extras.get(UNICODE_PATH_EXTRA)),
      rawName,
      flags,
      method: cd.readUInt16LE(at + 10),
      crc32: cd.readUInt32LE(at + 16),
      compressedSize: cd.readUInt32LE(at + 20),
      uncompressedSize: cd.readUInt32LE(at + 24),
      localHeaderOffset: cd.readUInt32LE(at + 42),
    };
    const zip64 = extras.get(ZIP64_EXTRA);
    if (zip64 !== undefined) applyZip64(entry, zip64);
    const unsafe = unsafeName(entry.name);
    if (unsafe !== null) throw new ZipFormatError(unsafe);
    entries.push(entry);
    at = next;
  }
  return { entries, offset: cdOffset };
}
