import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../store/durable-file.ts';

/**
 * Until when desktop notifications are paused, kept in a small file of its own so a pause
 * survives a restart as the same moment. Absent or unreadable: not paused.
 */
export async function readPausedUntil(file: string): Promise<number | null> {
  try {
    const { until } = JSON.parse(await fs.promises.readFile(file, 'utf8')) as { until?: unknown };
    const ms = typeof until === 'string' ? Date.parse(until) : Number.NaN;
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null;
  }
}

export async function writePausedUntil(file: string, until: number | null): Promise<void> {
  if (until === null) {
    await fs.promises.rm(file, { force: true });
    return;
  }
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const text = `${JSON.stringify({ until: new Date(until).toISOString() })}\n`;
  await writeFileAtomically(file, text);
}
