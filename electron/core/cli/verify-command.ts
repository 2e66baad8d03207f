import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { formatBytes } from '../../../shared/bytes.ts';
import { verifyZip } from '../archive/zip-verify.ts';
import { EXIT_INPUT, EXIT_OK, InputError } from './cli-errors.ts';
import { progressLine } from './progress-bar.ts';

/** Sum of the entries' sizes from the central directory, for the progress bar's total. */
function totals(file: string): Promise<{ files: number; bytes: number } | null> {
  return new Promise((resolve) => {
    yauzl.open(file, { lazyEntries: false, autoClose: true }, (error, zip) => {
      if (error) {
        resolve(null);
        return;
      }
      let files = 0;
      let bytes = 0;
      zip.on('entry', (entry: { fileName: string; uncompressedSize: number }) => {
        if (entry.fileName.endsWith('/')) return;
        files++;
        bytes += entry.uncompressedSize;
      });
      zip.on('end', () => resolve({ files, bytes }));
      zip.on('error', () => resolve(null));
    });
  });
}

/**
 * `runwatch verify FILE.zip`: reads every entry back and checks its CRC-32 and size, the same
 * check every archive gets before it takes its final name. Exit 1 names the first bad entry.
 */
export async function verifyCommand(file: string): Promise<number> {
  const zipPath = path.resolve(file);
  if (!fs.existsSync(zipPath)) throw new InputError(`${zipPath} does not exist`);
  if (!fs.statSync(zipPath).isFile()) throw new InputError(`${zipPath} is not a file`);
  const tty = process.stderr.isTTY === true;
  const total = tty ? await totals(zipPath) : null;
  let last = 0;
  const result = await verifyZip(zipPath, undefined, (progress) => {
    const now = Date.now();
    if (!total || now - last < 100) return;
    last = now;
    const line = progressLine(
      { phase: 'verify', ...progress, totalFiles: total.files, totalBytes: total.bytes },
      (process.stderr.columns || 80) - 1,
    );
    process.stderr.write(`\r${line}`);
  });
  if (tty && total) process.stderr.write('\r\u001b[2K');
  if (!result.ok) {
    const where = result.entry === null ? '' : ` entry ${JSON.stringify(result.entry)}:`;
    process.stderr.write(`runwatch: ${zipPath}: bad${where} ${result.reason}\n`);
    return EXIT_INPUT;
  }
  process.stdout.write(
    `${zipPath}: ok, ${result.files} files, ${formatBytes(result.bytes)} checked (CRC-32 and sizes)\n`,
  );
  return EXIT_OK;
}
