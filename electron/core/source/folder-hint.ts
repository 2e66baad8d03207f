import fs from 'node:fs';
import path from 'node:path';

/**
 * File systems on which change notifications miss writes made by other machines (network
 * shares, FUSE, VM shares), by the magic number Linux's statfs reports.
 */
const REMOTE_FILE_SYSTEMS = new Set([
  0x6969, // nfs
  0x517b, // smb
  0xff534d42, // cifs
  0xfe534d42, // smb2
  0x65735546, // fuse
  0x01021997, // 9p (WSL, VM shares)
  0x564c, // ncp
  0x73757245, // coda
  0x47504653, // gpfs
  0x0bd00bd0, // lustre
  0x00c36400, // ceph
]);

function isLocal(dir: string): boolean {
  try {
    return !REMOTE_FILE_SYSTEMS.has(fs.statfsSync(dir).type);
  } catch {
    return false;
  }
}

/** Hinted changes needed to trust the hint again after it missed one. */
const TRUST_AFTER = 5;

/**
 * A watch on the database's folder: a hint that the database (or its WAL or journal) was
 * written, so the monitor checks at once instead of at the next poll. On a local file system
 * the hint is trusted to report every write, which lets idle polls space out; a change found
 * without a hint withdraws that trust until a few hinted ones restore it.
 */
export class FolderHint {
  private readonly dir: string;
  private readonly names: Set<string>;
  private readonly onHint: () => void;
  private watcher: fs.FSWatcher | null = null;
  private local = false;
  /** Hinted changes seen since the last unhinted one; trusted from the start. */
  private credit = TRUST_AFTER;
  /** A hint arrived since `take()` was last called. */
  private pending = false;
  /** Another folder whose every file is the source's (files of events, one per run). */
  private also: { dir: string; watcher: fs.FSWatcher | null; local: boolean } | null = null;

  constructor(dbPath: string, onHint: () => void) {
    this.dir = path.dirname(path.resolve(dbPath));
    const base = path.basename(dbPath);
    this.names = new Set([base, `${base}-wal`, `${base}-journal`]);
    this.onHint = onHint;
  }

  /** Starts watching if the folder exists; safe to call again. */
  start(): void {
    if (this.watcher) return;
    try {
      this.watcher = fs.watch(this.dir, { persistent: false }, (_kind, name) => {
        if (name !== null && !this.names.has(String(name))) return;
        this.pending = true;
        this.onHint();
      });
      this.watcher.on('error', () => this.close());
      this.local = isLocal(this.dir);
    } catch {
      this.watcher = null;
    }
  }

  /** Also watches `dir`, any file in it; safe to call again (it starts once the folder exists). */
  watchAlso(dir: string): void {
    if (this.also?.dir === dir && this.also.watcher !== null) return;
    this.also?.watcher?.close();
    let watcher: fs.FSWatcher | null = null;
    try {
      watcher = fs.watch(dir, { persistent: false }, () => {
        this.pending = true;
        this.onHint();
      });
      watcher.on('error', () => {
        watcher?.close();
        if (this.also) this.also.watcher = null;
      });
    } catch {
      watcher = null;
    }
    this.also = { dir, watcher, local: watcher !== null && isLocal(dir) };
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    this.also?.watcher?.close();
    this.also = null;
  }

  /** Whether idle polls may space out because this hint reports every write. */
  get trusted(): boolean {
    const also = this.also === null || (this.also.watcher !== null && this.also.local);
    return this.watcher !== null && this.local && also && this.credit >= TRUST_AFTER;
  }

  /** Whether a hint arrived since the last call (and clears it). */
  take(): boolean {
    const pending = this.pending;
    this.pending = false;
    return pending;
  }

  /** A change was found: with a hint it adds to the trust, without one it withdraws it. */
  changeSeen(hinted: boolean): void {
    this.credit = hinted ? this.credit + 1 : 0;
  }
}
