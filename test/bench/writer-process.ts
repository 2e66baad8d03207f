/**
 * The pipeline side of the latency benchmark, in its own process with its own better-sqlite3
 * connection: at random gaps it commits a change that must produce one event (a new run with its
 * steps → run_started; an active run's last step and the run succeeded → run_completed) and tells
 * the parent the wall-clock time right after COMMIT.
 */
import Database from 'better-sqlite3';
import { secondStamp } from './generate-db.ts';
import { seededRandom, sleep, machineNow } from './stats.ts';
import type { ChangeKind, ParentMessage, WriterArgs, WriterMessage } from './writer-protocol.ts';

const args = JSON.parse(process.argv[2] ?? '{}') as WriterArgs;
const send = (message: WriterMessage) => process.send?.(message);

const db = new Database(args.dbPath, { timeout: 5_000 });
// WAL with synchronous=NORMAL, as pipeline writers commonly run: a commit does not fsync.
db.pragma('synchronous = NORMAL');
const random = seededRandom(args.seed);

const candidates = (
  db
    .prepare(`SELECT run_id FROM runs WHERE status IN ('running', 'pending') ORDER BY rowid`)
    .pluck()
    .all() as string[]
).filter((runId) => !runId.startsWith(args.newRunPrefix));
for (let i = candidates.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [candidates[i], candidates[j]] = [candidates[j] as string, candidates[i] as string];
}

const insertRun = db.prepare(
  `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at)
   VALUES (?, 'bench-writer', 'running', ?, ?, ?)`,
);
const insertStep = db.prepare(
  `INSERT INTO steps (run_id, step_id, name, position, status, started_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?)`,
);
const finishLastStep = db.prepare(
  `UPDATE steps SET status = 'succeeded', updated_at = @at, finished_at = @at
   WHERE run_id = @runId AND position = (SELECT max(position) FROM steps WHERE run_id = @runId)`,
);
const finishRun = db.prepare(
  `UPDATE runs SET status = 'succeeded', updated_at = @at, finished_at = @at WHERE run_id = @runId`,
);

const startRun = db.transaction((runId: string, at: string) => {
  insertRun.run(runId, at, at, at);
  for (let s = 0; s < args.stepsPerRun; s++) {
    const status = s === 0 ? 'running' : 'pending';
    insertStep.run(runId, `s${s}`, `step-${s}`, s, status, s === 0 ? at : null, at);
  }
});
const completeRun = db.transaction((runId: string, at: string) => {
  finishLastStep.run({ at, runId });
  finishRun.run({ at, runId });
});

async function main(): Promise<void> {
  await new Promise<void>((resolve) => {
    process.on('message', (message: ParentMessage) => {
      if (message.type === 'go') resolve();
    });
    send({ type: 'ready', candidates: candidates.length });
  });
  let started = 0;
  for (let i = 0; i < args.changes; i++) {
    const [low, high] = args.gapMs;
    await sleep(low + random() * (high - low));
    const wantComplete = random() < 0.5 && candidates.length > 0;
    const kind: ChangeKind = wantComplete ? 'run_completed' : 'run_started';
    const runId = wantComplete ? (candidates.pop() as string) : `${args.newRunPrefix}${started++}`;
    const at = args.stamp === 'seconds' ? secondStamp(Date.now()) : new Date().toISOString();
    if (kind === 'run_completed') completeRun.immediate(runId, at);
    else startRun.immediate(runId, at);
    const commitAt = machineNow();
    send({ type: 'commit', kind, runId, commitAt });
  }
  send({ type: 'done' });
  db.close();
  process.disconnect?.();
}

await main();
