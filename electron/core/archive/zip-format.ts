/**
 * The records of a zip file (PKWARE APPNOTE 6.3), as this writer uses them: UTF-8 names, stored
 * or deflated entries, a data descriptor after entries whose sizes are known only once written,
 * and zip64 fields where a size, an offset or the entry count needs them.
 */

export const STORED = 0;
export const DEFLATED = 8;
/** A 32-bit field that does not fit: the value is in the zip64 extra field. */
const ZIP64_MAGIC = 0xffffffff;
const ZIP64_EXTRA = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const VERSION_DEFLATE = 20;
const VERSION_ZIP64 = 45;
/** Made by: Unix (3), spec 4.5, so that unzip reads the Unix mode of the entries. */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
/** A regular file, rw-r--r--, in the high half of the external attributes. */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

/** What the central directory records of one written entry. */
export interface WrittenEntry {
  name: Buffer;
  method: number;
  dosTime: number;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
  /** Written with a data descriptor (sizes after the data). */
  descriptor: boolean;
}

/**
 * A local time as DOS stores it (date in the high 16 bits): the convention `unzip` and file
 * managers read. Before 1980 is 1980-01-01, after 2107 is the end of 2107.
 */
export function dosTime(ms: number): number {
  const date = new Date(ms);
  const year = date.getFullYear();
  if (year < 1980) return ((1 << 5) | 1) << 16;
  if (year > 2107)
    return ((((127 << 9) | (12 << 5) | 31) << 16) | (23 << 11) | (59 << 5) | 29) >>> 0;
  const day = ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  return ((day << 16) | time) >>> 0;
}

function u64(value: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeBigUInt64LE(BigInt(value));
  return out;
}

/**
 * The local file header. With `descriptor`, crc and sizes follow the data; `zip64` (an entry
 * that may pass 4 GiB) adds a zip64 extra field, so that readers expect 8-byte sizes there.
 */
export function localHeader(entry: Omit<WrittenEntry, 'offset'>, zip64: boolean): Buffer {
  const extra = zip64 ? Buffer.concat([zip64ExtraHead(16), u64(0), u64(0)]) : Buffer.alloc(0);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFLATE, 4);
  header.writeUInt16LE(FLAG_UTF8 | (entry.descriptor ? FLAG_DATA_DESCRIPTOR : 0), 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt32LE(entry.dosTime, 10);
  if (!entry.descriptor) {
    header.writeUInt32LE(entry.crc, 14);
    header.writeUInt32LE(entry.compressedSize, 18);
    header.writeUInt32LE(entry.size, 22);
  } else if (zip64) {
    header.writeUInt32LE(ZIP64_MAGIC, 18);
    header.writeUInt32LE(ZIP64_MAGIC, 22);
  }
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, entry.name, extra]);
}

function zip64ExtraHead(length: number): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt16LE(ZIP64_EXTRA, 0);
  head.writeUInt16LE(length, 2);
  return head;
}

/** Whether an entry's sizes or offset need zip64 fields. */
export function needsZip64(entry: WrittenEntry): boolean {
  return (
    entry.size >= ZIP64_MAGIC || entry.compressedSize >= ZIP64_MAGIC || entry.offset >= ZIP64_MAGIC
  );
}

/** The data descriptor: 8-byte sizes for an entry written as zip64 or past 4 GiB. */
export function dataDescriptor(entry: WrittenEntry, zip64: boolean): Buffer {
  const wide = zip64 || needsZip64(entry);
  const out = Buffer.alloc(wide ? 24 : 16);
  out.writeUInt32LE(0x08074b50, 0);
  out.writeUInt32LE(entry.crc, 4);
  if (wide) {
    out.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
    out.writeBigUInt64LE(BigInt(entry.size), 16);
  } else {
    out.writeUInt32LE(entry.compressedSize, 8);
    out.writeUInt32LE(entry.size, 12);
  }
  return out;
}

export function centralHeader(entry: WrittenEntry): Buffer {
  const zip64 = needsZip64(entry);
  const extra = zip64
    ? Buffer.concat([
        zip64ExtraHead(24),
        u64(entry.size),
        u64(entry.compressedSize),
        u64(entry.offset),
      ])
    : Buffer.alloc(0);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(MADE_BY, 4);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFLATE, 6);
  header.writeUInt16LE(FLAG_UTF8 | (entry.descriptor ? FLAG_DATA_DESCRIPTOR : 0), 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt32LE(entry.dosTime, 12);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(zip64 ? ZIP64_MAGIC : entry.compressedSize, 20);
  header.writeUInt32LE(zip64 ? ZIP64_MAGIC : entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
  header.writeUInt32LE(zip64 ? ZIP64_MAGIC : entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

/** The end records: zip64 ones first when the count, size or offset of the directory need them. */
export function endOfCentralDirectory(count: number, cdOffset: number, cdSize: number): Buffer {
  const zip64 = count >= 0xffff || cdOffset >= ZIP64_MAGIC || cdSize >= ZIP64_MAGIC;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : count, 8);
  end.writeUInt16LE(zip64 ? 0xffff : count, 10);
  end.writeUInt32LE(zip64 ? ZIP64_MAGIC : cdSize, 12);
  end.writeUInt32LE(zip64 ? ZIP64_MAGIC : cdOffset, 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(MADE_BY, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(cdSize), 40);
  record.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}
