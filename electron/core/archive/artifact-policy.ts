import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../../shared/bytes.ts';

const GB = 1024 ** 3;

/**
 * Files per archive by default. A pipeline's artifacts folder rarely holds more than tens of
 * thousands; far more means the path points at something else (a home folder, a dataset cache).
 * Every file costs a line in the listing kept in state.db (~150 bytes) and a read-back at
 * verification, so 100,000 keeps a job's listing under ~15 MB and its verification in seconds.
 */
export const DEFAULT_MAX_FILES = 100_000;
/**
 * Bytes of files per archive by default: room for the checkpoints of a large training run, yet
 * a bound on the disk a mistaken path can fill (the zip is at most about this size) and on the
 * time a job can take.
 */
export const DEFAULT_MAX_BYTES = 50 * GB;

/** Where artifacts may be archived from, and how much: as configured, defaults left null. */
export interface ArtifactRules {
  /** Folders allowed besides the database's own folder. */
  roots: readonly string[];
  maxFiles: number | null;
  maxBytes: number | null;
}

export const NO_ARTIFACT_RULES: ArtifactRules = { roots: [], maxFiles: null, maxBytes: null };

/** What one source's archive jobs may read (checked on real paths, symlinks resolved). */
export interface ArtifactPolicy {
  /** An artifacts folder must be one of these or below one; the database's folder comes first. */
  roots: readonly string[];
  /** A run may have no artifacts folder: one that never appears is no archive, not a failure. */
  folderOptional: boolean;
  /** Whether the source's schema is known yet (else a folder outside the roots may yet be allowed). */
  schemaKnown: boolean;
  /** Never archived, even inside a root: Runwatch's own data dir (state, archives, settings). */
  exclude: readonly string[];
  /**
   * Folders inside an excluded one that are archived all the same: the folder of a database kept
   * in the data dir, as the demo's is (`<data-dir>/demo/orchestration.db`).
   */
  unexcluded: readonly string[];
  maxFiles: number;
  maxBytes: number;
}

/** What a source's schema says of artifacts, once the source is open. */
export interface SchemaArtifacts {
  /** The source has been opened: what follows is its schema's word, not a guess. */
  known: boolean;
  /** Where its profile's artifacts template puts every run's folder (Dagster's storage). */
  roots: readonly string[];
  /** A run may have no folder: one that never appears is nothing to archive, not a failure. */
  optional: boolean;
}

const NO_SCHEMA_ARTIFACTS: SchemaArtifacts = { known: true, roots: [], optional: false };

/**
 * The policy of a source: its database's folder and the configured roots, with the caps, and
 * what its schema says once the source is open (`fromSchema`).
 */
export function artifactPolicy(
  /** The database file, whose folder is an allowed root; null for a server's database. */
  dbPath: string | null,
  dataDir: string,
  rules: ArtifactRules,
  fromSchema: () => SchemaArtifacts = () => NO_SCHEMA_ARTIFACTS,
): ArtifactPolicy {
  const dbFolder = dbPath === null ? null : path.dirname(path.resolve(dbPath));
  const data = path.resolve(dataDir);
  const configured = [
    ...(dbFolder === null ? [] : [dbFolder]),
    ...rules.roots.map((root) => path.resolve(root)),
  ];
  return {
    get roots() {
      return [...configured, ...fromSchema().roots];
    },
    get folderOptional() {
      return fromSchema().optional;
    },
    get schemaKnown() {
      return fromSchema().known;
    },
    exclude: [data],
    unexcluded: dbFolder !== null && dbFolder !== data && within(data, dbFolder) ? [dbFolder] : [],
    maxFiles: rules.maxFiles ?? DEFAULT_MAX_FILES,
    maxBytes: rules.maxBytes ?? DEFAULT_MAX_BYTES,
  };
}

/** Why an artifacts folder cannot be archived at all (not why one file was skipped). */
export class ArtifactsError extends Error {
  /** Worth another try later: the folder may still be on its way. */
  readonly transient: boolean;
  /** The folder does not exist (yet). */
  readonly missing: boolean;
  constructor(message: string, transient: boolean, missing = false) {
    super(message);
    this.name = 'ArtifactsError';
    this.transient = transient;
    this.missing = missing;
  }
}

/** Whether `target` is `folder` itself or something in it. */
export function within(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Folders whose files are the kernel's or devices, never a pipeline's output. */
const PSEUDO_PATHS = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];

/**
 * Linux file systems that hold no files a pipeline wrote (`statfs` magic numbers): reading
 * them walks the kernel's state, can block, and can list entries that vanish as they are read.
 */
const PSEUDO_TYPES = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0x19800202, 'mqueue'],
  [0x6e736673, 'nsfs'],
]);

/** The pseudo file system `dir` lies on (by path, and on Linux by type), or null. */
export function pseudoFileSystem(dir: string): string | null {
  const byPath = PSEUDO_PATHS.find((prefix) => within(prefix, dir));
  if (byPath !== undefined) return byPath;
  if (process.platform !== 'linux') return null;
  try {
    return PSEUDO_TYPES.get(fs.statfsSync(dir).type) ?? null;
  } catch {
    return null;
  }
}

/** Real paths of the excluded folders and of the exceptions inside them. */
export interface Exclusions {
  exclude: string[];
  unexcluded: string[];
}

export function exclusionsOf(policy: ArtifactPolicy): Exclusions {
  return { exclude: realPaths(policy.exclude), unexcluded: realPaths(policy.unexcluded) };
}

/** The excluded folder `real` lies in, unless an exception holds it; else null. */
export function excludedBy(real: string, exclusions: Exclusions): string | null {
  if (exclusions.unexcluded.some((folder) => within(folder, real))) return null;
  return exclusions.exclude.find((folder) => within(folder, real)) ?? null;
}

/** The real paths of the folders that exist; one that does not allows or excludes nothing. */
export function realPaths(folders: readonly string[]): string[] {
  const real: string[] = [];
  for (const folder of folders) {
    try {
      real.push(fs.realpathSync(folder));
    } catch {
      // not there
    }
  }
  return real;
}

/**
 * Where `dir` would be once it exists: the real path of its nearest existing ancestor with the
 * rest appended. A folder that is not there yet is refused at once if it could never be allowed.
 */
function realPathToBe(dir: string): string {
  let existing = dir;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return dir;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

function refusedRoot(dir: string, real: string, policy: ArtifactPolicy): ArtifactsError {
  const shown = real === dir ? dir : `${dir} (${real})`;
  if (!policy.schemaKnown) {
    // Its schema may allow it (Dagster's storage): known once the source has been opened.
    return new ArtifactsError(
      `the artifacts folder ${shown} is outside the allowed roots known before the database was opened`,
      true,
    );
  }
  return new ArtifactsError(
    `the artifacts folder ${shown} is outside the allowed artifact roots (${policy.roots.join(', ')}); ` +
      'allow a folder with archive.artifact_roots in the settings or --artifact-root',
    false,
  );
}

/**
 * The real path of an artifacts folder that may be archived, or why not: it must exist, lie in
 * an allowed root once symlinks are resolved, not be on a pseudo file system and not be inside
 * Runwatch's data dir. Only a folder that does not exist yet (but would be allowed) is worth
 * another try.
 */
export function allowedArtifactsFolder(dir: string, policy: ArtifactPolicy): string {
  const roots = realPaths(policy.roots);
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new ArtifactsError(`the artifacts folder ${dir} cannot be read (${code})`, false);
    }
    const toBe = realPathToBe(dir);
    // A root that is not there yet either (Dagster's storage before its first run) may be.
    const rootsToBe = policy.roots.map(realPathToBe);
    if (!rootsToBe.some((root) => within(root, toBe))) throw refusedRoot(dir, toBe, policy);
    throw new ArtifactsError(`the artifacts folder ${dir} does not exist`, true, true);
  }
  if (!roots.some((root) => within(root, real))) throw refusedRoot(dir, real, policy);
  const pseudo = pseudoFileSystem(real);
  if (pseudo !== null) {
    throw new ArtifactsError(
      `the artifacts folder ${dir} is on a pseudo file system (${pseudo}), not archived`,
      false,
    );
  }
  const own = excludedBy(real, exclusionsOf(policy));
  if (own !== null) {
    throw new ArtifactsError(
      `the artifacts folder ${dir} is inside Runwatch's data dir ${own}`,
      false,
    );
  }
  return real;
}

/** The error for a folder past a cap: the listing stops there, so `/` fails fast. */
export function overCap(
  dir: string,
  policy: ArtifactPolicy,
  what: 'files' | 'bytes',
): ArtifactsError {
  const limit =
    what === 'files'
      ? `${policy.maxFiles.toLocaleString('en-US')} file${policy.maxFiles === 1 ? '' : 's'} (archive.max_files_per_run, --archive-max-files-per-run)`
      : `${formatBytes(policy.maxBytes)} (archive.max_gb_per_run, --archive-max-gb-per-run)`;
  return new ArtifactsError(
    `the artifacts folder ${dir} holds more than ${limit}, the limit for one archive`,
    false,
  );
}
