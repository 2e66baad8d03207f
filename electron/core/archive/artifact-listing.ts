import fs from 'node:fs';
import path from 'node:path';
import {
  allowedArtifactsFolder,
  ArtifactsError,
  overCap,
  excludedBy,
  exclusionsOf,
  pseudoFileSystem,
  within,
  type ArtifactPolicy,
} from './artifact-policy.ts';

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

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
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

function readableFolder(dir: string, real: string): void {
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
}

const VANISHED = 'vanished while the folder was being listed';

/**
 * Lists an artifacts folder the policy allows (see `allowedArtifactsFolder`) without following
 * anything out of it: symlinks that point outside the folder, to a folder, or nowhere are
 * skipped with the reason, as are FIFOs, sockets and devices, which are never opened, files that
 * vanish as they are listed, Runwatch's own data dir, and pseudo file systems mounted inside.
 * Stops, with an `ArtifactsError`, as soon as the folder holds more than the policy's caps.
 * Entries are in a stable, sorted order.
 */
export function listArtifacts(dir: string, policy: ArtifactPolicy): Listing {
  const root = allowedArtifactsFolder(dir, policy);
  readableFolder(dir, root);
  const exclusions = exclusionsOf(policy);
  const files: ListedFile[] = [];
  const skipped: SkippedFile[] = [];
  let bytes = 0;
  const walk = (folder: string, prefix: string, device: number) => {
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
        skipped.push({ path: rel, reason: VANISHED });
        continue;
      }
      if (stat.isDirectory()) {
        if (excludedBy(full, exclusions) !== null) {
          skipped.push({ path: rel, reason: "Runwatch's own data dir, not archived" });
          continue;
        }
        // Another file system mounted here: refused if it is a pseudo one (checked only here,
        // where the device changes, so the walk stays cheap).
        const pseudo = stat.dev === device ? null : pseudoFileSystem(full);
        if (pseudo !== null) {
          skipped.push({ path: rel, reason: `a pseudo file system (${pseudo}), not archived` });
          continue;
        }
        walk(full, rel, stat.dev);
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
        if (excludedBy(target, exclusions) !== null) {
          skipped.push({ path: rel, reason: "symlink into Runwatch's own data dir" });
          continue;
        }
        try {
          stat = fs.statSync(target);
        } catch {
          skipped.push({ path: rel, reason: VANISHED });
          continue;
        }
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
      bytes += stat.size;
      if (files.length > policy.maxFiles) throw overCap(dir, policy, 'files');
      if (bytes > policy.maxBytes) throw overCap(dir, policy, 'bytes');
    }
  };
  walk(root, '', fs.statSync(root).dev);
  return { root, files, skipped, bytes };
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
