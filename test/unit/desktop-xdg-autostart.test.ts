import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTOSTART_NAME,
  autostartEntry,
  autostartFile,
  execValue,
  setXdgAutostart,
} from '../../electron/core/desktop/xdg-autostart.ts';
import { tempXdgConfigHome } from '../support/xdg-config-home.ts';

/**
 * Reads an `Exec` value back the way the Desktop Entry spec says a launcher does: first as a
 * string value (`\\` → `\`, `\s` → space, …), then split into arguments, double quotes grouping
 * and a backslash in quotes escaping the next character; `%%` is a literal `%`.
 */
function parseExec(value: string): string[] {
  const unescaped = value.replace(/\\([\\snrt])/g, (_m, ch: string) =>
    ch === '\\' ? '\\' : ch === 's' ? ' ' : ch === 'n' ? '\n' : ch === 'r' ? '\r' : '\t',
  );
  const args: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < unescaped.length; i++) {
    const ch = unescaped[i] as string;
    if (quoted) {
      if (ch === '\\') current += unescaped[++i] ?? '';
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') {
      quoted = true;
      started = true;
    } else if (ch === ' ') {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) args.push(current);
  return args.map((arg) => arg.replace(/%%/g, '%'));
}

describe('execValue', () => {
  it('writes a plain path as it is', () => {
    expect(execValue(['/opt/Runwatch/runwatch'])).toBe('/opt/Runwatch/runwatch');
  });

  it('quotes and escapes what the spec reserves, so every argument arrives as it is', () => {
    const command = [
      '/home/me/Apps/Run watch "beta"/Runwatch.AppImage',
      "/tmp/it's $HOME & `x` \\ back",
      '/tmp/100%/a;b|c>d<e~f*g?h#i(j)k',
    ];
    const value = execValue(command);
    expect(value.startsWith('"/home/me/Apps/Run watch \\\\"beta\\\\"/Runwatch.AppImage"')).toBe(
      true,
    );
    expect(value).toContain('100%%');
    expect(parseExec(value)).toEqual(command);
  });

  it('refuses what an Exec line cannot carry', () => {
    expect(() => execValue([])).toThrow(/no program/);
    expect(() => execValue(['/tmp/a\nb'])).toThrow(/not a usable argument/);
    expect(() => execValue(['/usr/bin/electron', ''])).toThrow(/not a usable argument/);
  });
});

describe('autostartFile', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, or ~/.config/autostart', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/me')).toBe(
      path.join('/cfg', 'autostart', AUTOSTART_NAME),
    );
    expect(autostartFile({}, '/home/me')).toBe(
      path.join('/home/me', '.config', 'autostart', 'dev.runwatch.app.desktop'),
    );
    // The spec ignores a relative XDG_CONFIG_HOME.
    expect(autostartFile({ XDG_CONFIG_HOME: 'cfg' }, '/home/me')).toBe(
      path.join('/home/me', '.config', 'autostart', AUTOSTART_NAME),
    );
  });
});

describe('setXdgAutostart', () => {
  const configHome = tempXdgConfigHome();

  it('writes the autostart entry under $XDG_CONFIG_HOME on enable, and removes it on disable', async () => {
    const command = ['/opt/My Apps/Runwatch.AppImage'];
    const file = path.join(configHome(), 'autostart', AUTOSTART_NAME);
    expect(autostartFile()).toBe(file);

    await setXdgAutostart(true, command);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe(autostartEntry(command));
    const lines = text.split('\n');
    expect(lines[0]).toBe('[Desktop Entry]');
    expect(lines).toContain('Type=Application');
    expect(lines).toContain('Name=Runwatch');
    const exec = lines.find((line) => line.startsWith('Exec='))?.slice('Exec='.length);
    expect(parseExec(exec ?? '')).toEqual(command);
    // Written under a temp name and renamed: nothing else is left in the folder.
    expect(fs.readdirSync(path.dirname(file))).toEqual([AUTOSTART_NAME]);

    await setXdgAutostart(true, ['/usr/bin/runwatch']);
    expect(fs.readFileSync(file, 'utf8')).toContain('Exec=/usr/bin/runwatch\n');

    await setXdgAutostart(false, command);
    expect(fs.existsSync(file)).toBe(false);
    // Turning it off again is not an error.
    await setXdgAutostart(false, command);
  });

  it('leaves no entry when the command cannot be written', async () => {
    await expect(setXdgAutostart(true, ['/tmp/a\nb'])).rejects.toThrow(/not a usable argument/);
    expect(fs.existsSync(autostartFile())).toBe(false);
  });
});
