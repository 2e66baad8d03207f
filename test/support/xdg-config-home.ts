import { afterEach, beforeEach, vi } from 'vitest';
import { tempDir } from './orchestration-db.ts';

/** A fresh `$XDG_CONFIG_HOME` for each test of the file, restored after it; returns where it is. */
export function tempXdgConfigHome(): () => string {
  let dir = '';
  beforeEach(() => {
    dir = tempDir();
    vi.stubEnv('XDG_CONFIG_HOME', dir);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  return () => dir;
}
