import fs from 'node:fs';
import path from 'node:path';

/** One file to archive: its path in the zip (always `/`), and what it was before zipping. */
export interface ListedFile {
  name: string;
  size: number;
  mtimeMs: number;
  /** Where its bytes are read: the file itself, or the target of a symlink inside the folder. */
  source: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface Listing {
  root: string;
  files: ListedFile[];
  skipped: SkippedFile[];
  bytes: number;
}

/** Why an artifacts folder cannot be archived at all (not why one file was skipped). */
export class ArtifactsError extends Error {
  /** Worth another try later: the folder may still be on its way. */
  readonly transient: boolean;
  constructor(message: string, transient: boolean) {
    super(message);
    this.name = 'ArtifactsError';
    this.transient = transient;
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Whether `target` is the folder itself or something in it. */
function within(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Why a name cannot go into a zip unchanged, if it cannot: zip tools turn `\` into a folder
 * separator and drop a leading `name:`, and read control characters as another code page.
 */
function unstorableName(rel: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(rel)) return 'name holds a control character';
  if (rel.includes('\\'))
    return 'name holds a backslash, which zip tools read as a folder separator';
  if (/^\w+:/.test(rel)) return 'name starts like a drive letter (`x:`), which zip tools drop';
  return null;
}

function rootOf(dir: string): string {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ArtifactsError(`the artifacts folder ${dir} does not exist`, true);
    }
    throw new ArtifactsError(`the artifacts folder ${dir} cannot be read (${code})`, false);
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new ArtifactsError(`the artifacts path ${dir} is not a folder`, false);
  }
  try {
    fs.accessSync(real, fs.constants.R_OK | fs.constants.X_OK);
  } catch {
    throw new ArtifactsError(
      `the artifacts folder ${dir} cannot be read (permission denied)`,
      false,
    );
  }
  return real;
}

/**
 * Lists an artifacts folder without following anything out of it: symlinks that point outside
 * the folder, to a folder, or nowhere are skipped with the reason, as are FIFOs, sockets and
 * devices, which are never opened. Entries are in a stable, sorted order.
 */
export function listArtifacts(dir: string): Listing {
  const root = rootOf(dir);
  const files: ListedFile[] = [];
  const skipped: SkippedFile[] = [];
  const walk = (folder: string, prefix: string) => {
    let names: Buffer[];
    try {
      names = fs.readdirSync(folder, { encoding: 'buffer' });
    } catch (error) {
      skipped.push({
        path: prefix || '.',
        reason: `folder cannot be read (${(error as NodeJS.ErrnoException).code})`,
      });
      return;
    }
    const decoded = names
      .map((raw) => ({ name: raw.toString('utf8'), raw }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { name, raw } of decoded) {
      const rel = prefix ? `${prefix}/${name}` : name;
      if (!Buffer.from(name, 'utf8').equals(raw)) {
        skipped.push({ path: rel, reason: 'name is not valid UTF-8' });
        continue;
      }
      const full = path.join(folder, name);
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(full);
      } catch {
        continue; // gone since the folder was read
      }
      if (stat.isDirectory()) {
        walk(full, rel);
        continue;
      }
      let source = full;
      if (stat.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(full);
        } catch {
          skipped.push({ path: rel, reason: 'broken symlink' });
          continue;
        }
        if (!within(root, target)) {
          skipped.push({ path: rel, reason: 'symlink to outside the artifacts folder' });
          continue;
        }
        stat = fs.statSync(target);
        if (stat.isDirectory()) {
          skipped.push({ path: rel, reason: 'symlink to a folder (its files are archived there)' });
          continue;
        }
        source = target;
      }
      if (!stat.isFile()) {
        skipped.push({ path: rel, reason: kindOf(stat) });
        continue;
      }
      const unstorable = unstorableName(rel);
      if (unstorable !== null) {
        skipped.push({ path: rel, reason: unstorable });
        continue;
      }
      try {
        fs.accessSync(source, fs.constants.R_OK);
      } catch {
        skipped.push({ path: rel, reason: 'file cannot be read (permission denied)' });
        continue;
      }
      files.push({ name: rel, size: stat.size, mtimeMs: stat.mtimeMs, source });
    }
  };
  walk(root, '');
  return { root, files, skipped, bytes: files.reduce((sum, file) => sum + file.size, 0) };
}

/** The first listed file whose size or modification time is no longer what was listed. */
export function firstChanged(files: readonly ListedFile[]): string | null {
  for (const file of files) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file.source);
    } catch {
      return file.name;
    }
    if (stat.size !== file.size || stat.mtimeMs !== file.mtimeMs) return file.name;
  }
  return null;
}
