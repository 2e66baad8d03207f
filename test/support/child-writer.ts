/**
 * A separate writer process for tests: `hold-lock DB MS [RUN STEP STATUS]` holds an exclusive
 * lock (changing a step inside it) and commits after MS; `set-step DB RUN STEP STATUS` commits one
 * step change. Prints `ready` once it holds what it should.
 */
import Database from 'better-sqlite3';

const [command, file, ...rest] = process.argv.slice(2);
const db = new Database(file as string, { timeout: 5_000 });
const now = () => new Date().toISOString();

function setStep(runId: string, stepId: string, status: string): void {
  db.prepare('UPDATE steps SET status = ?, updated_at = ? WHERE run_id = ? AND step_id = ?').run(
    status,
    now(),
    runId,
    stepId,
  );
  db.prepare('UPDATE runs SET updated_at = ? WHERE run_id = ?').run(now(), runId);
}

if (command === 'hold-lock') {
  const [ms, runId, stepId, status] = rest;
  db.exec('BEGIN EXCLUSIVE');
  if (runId && stepId && status) setStep(runId, stepId, status);
  process.stdout.write('ready\n');
  setTimeout(() => {
    db.exec('COMMIT');
    db.close();
    process.stdout.write('released\n');
  }, Number(ms));
} else if (command === 'set-step') {
  const [runId, stepId, status] = rest as [string, string, string];
  setStep(runId, stepId, status);
  db.close();
  process.stdout.write('ready\n');
} else {
  process.stderr.write(`unknown command ${command}\n`);
  process.exitCode = 2;
}
