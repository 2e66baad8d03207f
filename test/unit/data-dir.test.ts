import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appDataDir,
  defaultDataDir,
  defaultDemoDataDir,
  realPathOf,
  sourceNameOf,
} from '../../electron/core/store/data-dir.ts';

const sha8 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

describe('appDataDir (the same folder Electron calls appData)', () => {
  const home = os.homedir();

  it('on Windows is %APPDATA%', () => {
    expect(appDataDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming',
    );
  });

  it('on Windows without APPDATA falls back to the roaming folder under home', () => {
    expect(appDataDir({}, 'win32')).toBe(path.join(home, 'AppData', 'Roaming'));
  });

  it('on macOS is ~/Library/Application Support, whatever XDG says', () => {
    expect(appDataDir({ XDG_CONFIG_HOME: '/somewhere/else' }, 'darwin')).toBe(
      path.join(home, 'Library', 'Application Support'),
    );
  });

  it('on Linux is $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(appDataDir({ XDG_CONFIG_HOME: '/xdg/config' }, 'linux')).toBe('/xdg/config');
    expect(appDataDir({}, 'linux')).toBe(path.join(home, '.config'));
    expect(appDataDir({ XDG_CONFIG_HOME: '' }, 'linux')).toBe(path.join(home, '.config'));
  });

  it('ignores APPDATA outside Windows', () => {
    expect(appDataDir({ APPDATA: 'C:\\x' }, 'linux')).toBe(path.join(home, '.config'));
  });
});

describe('defaultDataDir', () => {
  let root: string;
  let appData: string;
  let env: NodeJS.ProcessEnv;
  let sources: string;

  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runwatch-datadir-')));
    appData = path.join(root, 'appdata');
    // Linux reads XDG_CONFIG_HOME, Windows APPDATA; macOS has a fixed folder
    env = { XDG_CONFIG_HOME: appData, APPDATA: appData };
    sources = path.join(appDataDir(env), 'runwatch', 'sources');
    fs.mkdirSync(path.join(root, 'real', 'pipelines'), { recursive: true });
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link'), 'dir');
    fs.writeFileSync(path.join(root, 'real', 'pipelines', 'orchestration.db'), '');
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('is <appData>/runwatch/sources/<stem>-<first 8 hex of sha256(real path)>', () => {
    const db = path.join(root, 'real', 'pipelines', 'orchestration.db');
    expect(defaultDataDir(db, env)).toBe(path.join(sources, `orchestration-${sha8(db)}`));
  });

  it.runIf(process.platform === 'linux')('follows XDG_CONFIG_HOME on Linux', () => {
    const db = path.join(root, 'real', 'pipelines', 'orchestration.db');
    expect(defaultDataDir(db, { XDG_CONFIG_HOME: '/xdg' })).toBe(
      path.join('/xdg', 'runwatch', 'sources', `orchestration-${sha8(db)}`),
    );
  });

  it('is the same for a file reached through a symlinked folder', () => {
    const direct = path.join(root, 'real', 'pipelines', 'orchestration.db');
    const viaLink = path.join(root, 'link', 'pipelines', 'orchestration.db');
    expect(fs.existsSync(viaLink)).toBe(true);
    expect(defaultDataDir(viaLink, env)).toBe(defaultDataDir(direct, env));
    expect(realPathOf(viaLink)).toBe(direct);
  });

  it('is the same for a relative path and for a path with .. in it', () => {
    const direct = path.join(root, 'real', 'pipelines', 'orchestration.db');
    const relative = path.relative(process.cwd(), direct);
    const roundabout = path.join(root, 'real', 'pipelines', '..', 'pipelines', 'orchestration.db');
    expect(defaultDataDir(relative, env)).toBe(defaultDataDir(direct, env));
    expect(defaultDataDir(roundabout, env)).toBe(defaultDataDir(direct, env));
  });

  it('works for a file that does not exist yet, and stays the same once it is created', () => {
    const future = path.join(root, 'link', 'pipelines', 'later.db');
    const before = defaultDataDir(future, env);
    expect(before).toBe(
      path.join(sources, `later-${sha8(path.join(root, 'real', 'pipelines', 'later.db'))}`),
    );
    fs.writeFileSync(future, '');
    expect(defaultDataDir(future, env)).toBe(before);
    expect(defaultDataDir(path.join(root, 'real', 'pipelines', 'later.db'), env)).toBe(before);
  });

  it('stays the same for a file whose folders do not exist yet once they are created', () => {
    const future = path.join(root, 'link', 'pipelines', 'next', 'week', 'later.db');
    const before = defaultDataDir(future, env);
    const real = path.join(root, 'real', 'pipelines', 'next', 'week', 'later.db');
    expect(before).toBe(path.join(sources, `later-${sha8(real)}`));
    fs.mkdirSync(path.dirname(future), { recursive: true });
    fs.writeFileSync(future, '');
    expect(defaultDataDir(future, env)).toBe(before);
  });

  it('is the same for a file reached through a symlink to the file itself', () => {
    const target = path.join(root, 'real', 'pipelines', 'orchestration.db');
    const alias = path.join(root, 'alias.db');
    fs.symlinkSync(target, alias);
    expect(defaultDataDir(alias, env)).toBe(defaultDataDir(target, env));
  });

  it('differs for two databases with the same name in different folders', () => {
    fs.mkdirSync(path.join(root, 'other'), { recursive: true });
    const a = defaultDataDir(path.join(root, 'real', 'pipelines', 'orchestration.db'), env);
    const b = defaultDataDir(path.join(root, 'other', 'orchestration.db'), env);
    expect(a).not.toBe(b);
    expect(path.basename(a).startsWith('orchestration-')).toBe(true);
    expect(path.basename(b).startsWith('orchestration-')).toBe(true);
  });

  it.each([
    ['my db (copy)#1.sqlite', 'my_db__copy__1'],
    ['données été.db', 'donn_es__t_'],
    ['run:watch?*.db', 'run_watch__'],
    ['pipe|line<>"x".db', 'pipe_line___x_'],
    ['ok-name_1.2.db', 'ok-name_1.2'],
  ])('sanitizes the stem of %j to %j', (name, stem) => {
    const db = path.join(root, 'real', name);
    const dir = defaultDataDir(db, env);
    expect(path.dirname(dir)).toBe(sources);
    expect(path.basename(dir)).toBe(`${stem}-${sha8(db)}`);
    expect(path.basename(dir)).toMatch(/^[A-Za-z0-9._-]+-[0-9a-f]{8}$/);
  });

  it('keeps a long stem short, and the hash tells long names apart', () => {
    const a = path.join(root, 'real', `${'x'.repeat(200)}-a.db`);
    const b = path.join(root, 'real', `${'x'.repeat(200)}-b.db`);
    const dirA = path.basename(defaultDataDir(a, env));
    const dirB = path.basename(defaultDataDir(b, env));
    expect(dirA.length).toBeLessThanOrEqual(40 + 1 + 8);
    expect(dirA).not.toBe(dirB);
  });

  it('never leaves the sources folder, whatever the file name', () => {
    for (const name of ['...db', '.hidden', '-', '..db']) {
      const dir = defaultDataDir(path.join(root, 'real', 'pipelines', name), env);
      expect(path.dirname(dir)).toBe(sources);
      expect(path.basename(dir)).toMatch(/-[0-9a-f]{8}$/);
    }
  });
});

describe('defaultDemoDataDir and sourceNameOf', () => {
  it('keeps the demo under <appData>/runwatch/sources/demo', () => {
    const env = { XDG_CONFIG_HOME: '/xdg', APPDATA: '/xdg' };
    expect(defaultDemoDataDir(env)).toBe(path.join(appDataDir(env), 'runwatch', 'sources', 'demo'));
  });

  it('names a source after the file stem', () => {
    expect(sourceNameOf('/data/orchestration.db')).toBe('orchestration');
    expect(sourceNameOf('relative/state.sqlite3')).toBe('state');
    expect(sourceNameOf('/data/noext')).toBe('noext');
  });
});
