import { describe, expect, it } from 'vitest';
import { progressLine } from '../../electron/core/cli/progress-bar.ts';

describe('progressLine', () => {
  const half = {
    phase: 'zip',
    files: 25_000,
    bytes: 512 * 1024 ** 2,
    totalFiles: 50_000,
    totalBytes: 1024 ** 3,
  } as const;

  it('shows the phase, a bar filled to the share of bytes, and files and bytes done of the total', () => {
    const line = progressLine(half, 100);
    expect(line).toMatch(
      /^zipping {3}\[#+\.+\] {2}50% {2}25,000\/50,000 files {2}512 MB\/1.00 GB$/,
    );
    const bar = /\[([#.]+)\]/.exec(line)?.[1] ?? '';
    expect(bar.split('').filter((c) => c === '#').length).toBe(bar.length / 2);
  });

  it('never runs past the terminal width, and keeps a usable bar on a narrow one', () => {
    for (const width of [40, 60, 80, 120, 200])
      expect(progressLine(half, width).length).toBeLessThanOrEqual(width);
    expect(progressLine(half, 200)).toContain(`[${'#'.repeat(20)}${'.'.repeat(20)}]`);
  });

  it('counts files when there are no bytes, and is full at the end', () => {
    expect(
      progressLine({ phase: 'verify', files: 3, bytes: 0, totalFiles: 4, totalBytes: 0 }, 100),
    ).toContain(' 75%');
    expect(progressLine({ ...half, files: 50_000, bytes: 1024 ** 3 }, 100)).toContain('100%');
    expect(progressLine({ ...half, phase: 'verify' }, 100)).toMatch(/^verifying \[/);
  });

  it('shares by files and shows bytes alone when their total is not known ahead', () => {
    const line = progressLine(
      { phase: 'verify', files: 10, bytes: 3 * 1024 ** 2, totalFiles: 40, totalBytes: null },
      100,
    );
    expect(line).toMatch(/ 25% {2}10\/40 files {2}3\.00 MB$/);
  });
});
