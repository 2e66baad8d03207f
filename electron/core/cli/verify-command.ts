import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../../shared/bytes.ts';
import { verifyZip } from '../archive/zip-verify.ts';
import { EXIT_INPUT, EXIT_OK, InputError } from './cli-errors.ts';
import { progressLine } from './progress-bar.ts';

/**
 * `runwatch verify FILE.zip`: reads every entry back and checks its CRC-32 and size, the same
 * check every archive gets before it takes its final name. Exit 1 names the first bad entry.
 */
export async function verifyCommand(file: string): Promise<number> {
  const zipPath = path.resolve(file);
  const stat = fs.statSync(zipPath, { throwIfNoEntry: false });
  if (!stat) throw new InputError(`${zipPath} does not exist`);
  if (!stat.isFile()) throw new InputError(`${zipPath} is not a file`);
  const tty = process.stderr.isTTY === true;
  let last = 0;
  const result = await verifyZip(zipPath, undefined, (progress) => {
    const now = Date.now();
    if (!tty || now - last < 100) return;
    last = now;
    const line = progressLine(
      {
        phase: 'verify',
        files: progress.entries,
        totalFiles: progress.totalEntries,
        bytes: progress.bytes,
        totalBytes: null,
      },
      (process.stderr.columns || 80) - 1,
    );
    process.stderr.write(`\r${line}`);
  });
  if (tty && last > 0) process.stderr.write('\r\u001b[2K');
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
