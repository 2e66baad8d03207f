import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomically } from '../store/durable-file.ts';

/** Named after the app id, as the installed desktop entry is. */
export const AUTOSTART_NAME = 'dev.runwatch.app.desktop';

/** Characters that make the Desktop Entry spec require an argument to be quoted. */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * `~/.config/autostart/dev.runwatch.app.desktop`, or under `$XDG_CONFIG_HOME` when that is set
 * to an absolute path (the XDG Base Directory spec ignores a relative one).
 */
export function autostartFile(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const configured = env.XDG_CONFIG_HOME;
  const configHome =
    configured && path.isAbsolute(configured) ? configured : path.join(home, '.config');
  return path.join(configHome, 'autostart', AUTOSTART_NAME);
}

/** One argument as an `Exec` key writes it, before the key's value is escaped as a string. */
function quoteArgument(argument: string): string {
  if (argument === '' || /[\n\r]/.test(argument)) {
    throw new Error(`cannot start ${JSON.stringify(argument)} at login: not a usable argument`);
  }
  // `%` starts a field code: a literal one is doubled.
  const literal = argument.replace(/%/g, '%%');
  if (!RESERVED.test(literal)) return literal;
  return `"${literal.replace(/["`$\\]/g, '\\$&')}"`;
}

/**
 * The `Exec` value that runs `command` (the program, then its arguments). The Desktop Entry spec
 * reads the value as a string first (so every backslash is doubled) and then splits it into
 * quoted arguments: a path with spaces, quotes or backslashes arrives as it is.
 */
export function execValue(command: readonly string[]): string {
  if (command.length === 0) throw new Error('cannot start at login: no program given');
  return command.map(quoteArgument).join(' ').replace(/\\/g, '\\\\');
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Runwatch',
    'Comment=Watches pipeline runs and tells you when one fails or stalls',
    `Exec=${execValue(command)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Starts Runwatch at login on Linux and the BSDs the XDG way: an autostart entry, written under
 * a temp name and renamed into place (a session starting meanwhile never reads half a file),
 * and removed when start at login is turned off.
 */
export async function setXdgAutostart(
  enabled: boolean,
  command: readonly string[],
  file: string = autostartFile(),
): Promise<void> {
  if (!enabled) {
    await fs.promises.rm(file, { force: true });
    return;
  }
  const entry = autostartEntry(command);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomically(file, entry);
}
