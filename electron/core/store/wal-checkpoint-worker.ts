import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { errorMessage } from '../../../shared/error-message.ts';
import type { CheckpointReply, CheckpointRequest } from './wal-checkpoint-protocol.ts';

/** Between checkpoints while the WAL grows: each then copies a page written many times once. */
const LOOP_MS = 50;
/**
 * A WAL file larger than this after a burst is emptied once writes stop. A smaller one is left
 * for SQLite to reuse from its start: emptying it takes the writer's lock for a truncation and a
 * sync, tens to hundreds of milliseconds on a busy disk that a commit then waits out.
 */
const TRUNCATE_ABOVE_BYTES = 4 * 2 ** 20;

const port = parentPort;
if (!port) throw new Error('wal-checkpoint-worker runs as a worker thread');
const { file } = workerData as { file: string };
const db = new Database(file, { fileMustExist: true, timeout: 0 });
let looping = false;
let closing = false;

/**
 * Checkpoints until two in a row find the WAL unchanged, then empties a WAL file that a burst
 * grew. It loops on its own rather than on the main thread's requests, which a main thread busy
 * with a burst of commits would not read.
 */
function loop(done: { checkpoints: number; lastLog: number }): void {
  if (closing) return;
  let reply: CheckpointReply;
  try {
    // PASSIVE never waits for the writer or for readers: it copies what it can now.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    const log = result?.log ?? 0;
    done.checkpoints++;
    if (log !== done.lastLog) {
      done.lastLog = log;
      setTimeout(() => loop(done), LOOP_MS);
      return;
    }
    // The writer is idle: a burst may have grown the WAL file to tens of MB.
    if (log > 0 && walBytes() > TRUNCATE_ABOVE_BYTES) db.pragma('wal_checkpoint(TRUNCATE)');
    reply = { ok: true, checkpoints: done.checkpoints };
  } catch (error) {
    reply = { ok: false, error: errorMessage(error) };
  }
  looping = false;
  port?.postMessage(reply);
}

function walBytes(): number {
  return fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}

port.on('message', (request: CheckpointRequest) => {
  if (request === 'close') {
    closing = true;
    db.close();
    port.close();
    return;
  }
  if (looping) return;
  looping = true;
  loop({ checkpoints: 0, lastLog: -1 });
});
