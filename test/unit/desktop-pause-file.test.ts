import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPausedUntil, writePausedUntil } from '../../electron/core/desktop/pause-file.ts';
import { tempDir } from '../support/orchestration-db.ts';

describe('the kept notification pause', () => {
  it('comes back as the same moment after a restart, and is gone once resumed', async () => {
    const file = path.join(tempDir(), 'userData', 'notifications-paused.json');
    expect(await readPausedUntil(file)).toBeNull();
    const until = Date.UTC(2026, 10, 26, 8, 0);
    await writePausedUntil(file, until);
    expect(await readPausedUntil(file)).toBe(until);
    await writePausedUntil(file, null);
    expect(fs.existsSync(file)).toBe(false);
    expect(await readPausedUntil(file)).toBeNull();
  });

  it('leaves no temp file behind when the pause cannot be written', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'notifications-paused.json');
    fs.mkdirSync(file);
    await expect(writePausedUntil(file, Date.UTC(2026, 10, 26, 8, 0))).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['notifications-paused.json']);
  });

  it('counts a damaged file as no pause', async () => {
    const file = path.join(tempDir(), 'notifications-paused.json');
    for (const text of ['', '{', '{"until": 5}', '{"until": "tomorrow"}', 'null']) {
      fs.writeFileSync(file, text);
      expect(await readPausedUntil(file), text).toBeNull();
    }
  });
});
