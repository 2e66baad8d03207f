import { describe, expect, it } from 'vitest';
import type { FinishedRun } from '../../electron/core/model/finished-run.ts';
import { buildReport, type StallSpan } from '../../electron/core/report/run-report.ts';
import type { ArchiveJobResult } from '../../electron/core/store/job-table.ts';

const NOW = Date.parse('2026-03-10T12:30:00.000Z');
const at = (iso: string) => Date.parse(iso);

function finishedRun(overrides: Partial<FinishedRun> = {}): FinishedRun {
  return {
    run_id: 'etl-daily-0001',
    source: 'main',
    pipeline: 'etl-daily',
    attempt: 1,
    outcome: 'failed',
    created_at: '2026-03-10T09:59:00.000Z',
    started_at: '2026-03-10T10:00:00.000Z',
    finished_at: '2026-03-10T12:00:00.000Z',
    duration_s: 7200,
    steps: [
      {
        step_id: 'extract',
        name: 'Extract',
        status: 'succeeded',
        started_at: '2026-03-10T10:00:00.000Z',
        finished_at: '2026-03-10T10:30:00.000Z',
        duration_s: 1800,
      },
      {
        step_id: 'load',
        name: 'Load',
        status: 'failed',
        started_at: '2026-03-10T10:30:00.000Z',
        finished_at: '2026-03-10T12:00:00.000Z',
        duration_s: 5400,
      },
      {
        step_id: 'publish',
        name: 'Publish',
        status: 'skipped',
        started_at: null,
        finished_at: null,
        duration_s: null,
      },
    ],
    steps_total: 3,
    steps_succeeded: 1,
    steps_failed: 1,
    steps_skipped: 1,
    steps_cancelled: 0,
    artifacts_dir: '/data/artifacts/etl-daily-0001',
    ...overrides,
  };
}

const skipped = [
  { path: 'etc-link', reason: 'symlink to outside the artifacts folder' },
  { path: 'pipe.fifo', reason: 'a named pipe (FIFO)' },
];

const archived: ArchiveJobResult = {
  archived: true,
  path: '/data/runwatch/archive/etl-daily-0001.zip',
  bytes: 123_456,
  zip_bytes: 45_678,
  files: 12,
  sha256: 'ab'.repeat(32),
  skipped,
};

const failedArchive: ArchiveJobResult = {
  archived: false,
  reason: 'verification failed at data/out.csv: CRC-32 mismatch',
  skipped,
};

/** ARCHITECTURE.md §5: what `reports/<safe-id>_summary.json` holds. */
const CONTRACT_FIELDS = [
  'run_id',
  'source',
  'pipeline',
  'attempt',
  'outcome',
  'created_at',
  'started_at',
  'finished_at',
  'duration_s',
  'steps',
  'steps_total',
  'steps_succeeded',
  'steps_failed',
  'steps_skipped',
  'steps_cancelled',
  'stalls',
  'skipped',
  'generated_at',
];

describe('buildReport', () => {
  it('holds every field of the §5 contract, copied from the finished run', () => {
    const run = finishedRun();
    const report = buildReport(run, [], archived, NOW);
    for (const field of CONTRACT_FIELDS) expect(report, field).toHaveProperty(field);
    expect(report).toMatchObject({
      run_id: 'etl-daily-0001',
      source: 'main',
      pipeline: 'etl-daily',
      attempt: 1,
      outcome: 'failed',
      created_at: '2026-03-10T09:59:00.000Z',
      started_at: '2026-03-10T10:00:00.000Z',
      finished_at: '2026-03-10T12:00:00.000Z',
      duration_s: 7200,
      steps_total: 3,
      steps_succeeded: 1,
      steps_failed: 1,
      steps_skipped: 1,
      steps_cancelled: 0,
      stalls: [],
      generated_at: '2026-03-10T12:30:00.000Z',
    });
  });

  it('lists the steps with their contract fields', () => {
    const report = buildReport(finishedRun(), [], archived, NOW);
    expect(report.steps).toEqual(finishedRun().steps);
    for (const step of report.steps) {
      for (const field of [
        'step_id',
        'name',
        'status',
        'started_at',
        'finished_at',
        'duration_s',
      ]) {
        expect(step, field).toHaveProperty(field);
      }
    }
  });

  it('survives a JSON round trip unchanged (it is written as JSON)', () => {
    const report = buildReport(finishedRun(), [], archived, NOW);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('with an archive done, describes it as verified and has no archive_error', () => {
    const report = buildReport(finishedRun(), [], archived, NOW);
    expect(report.archive).toEqual({
      path: '/data/runwatch/archive/etl-daily-0001.zip',
      bytes: 123_456,
      zip_bytes: 45_678,
      files: 12,
      sha256: 'ab'.repeat(32),
      verified: true,
    });
    expect(report).not.toHaveProperty('archive_error');
    expect(JSON.parse(JSON.stringify(report))).not.toHaveProperty('archive_error');
  });

  it('with an archive that failed, has archive_error with the reason and no archive', () => {
    const report = buildReport(finishedRun(), [], failedArchive, NOW);
    expect(report.archive_error).toBe('verification failed at data/out.csv: CRC-32 mismatch');
    expect(report).not.toHaveProperty('archive');
    expect(JSON.parse(JSON.stringify(report))).not.toHaveProperty('archive');
  });

  it('with an archive to be tried again, has the last try’s archive_error and when the next is due', () => {
    const retrying = { ...failedArchive, retryAt: at('2026-03-10T12:10:00.000Z') };
    const report = buildReport(finishedRun(), [], retrying, NOW);
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({
      archive_error: failedArchive.reason,
      archive_retry_at: '2026-03-10T12:10:00.000Z',
    });
    expect(report).not.toHaveProperty('archive');
    expect(buildReport(finishedRun(), [], failedArchive, NOW)).not.toHaveProperty(
      'archive_retry_at',
    );
  });

  it('with no archive job, says archive: null and has no archive_error', () => {
    const report = buildReport(finishedRun({ artifacts_dir: null }), [], null, NOW);
    expect(report.archive).toBeNull();
    expect(JSON.parse(JSON.stringify(report)).archive).toBeNull();
    expect(report).not.toHaveProperty('archive_error');
    expect(report.skipped).toEqual([]);
  });

  it('with an artifacts folder that held nothing to archive, says archive: null', () => {
    const report = buildReport(finishedRun(), [], { archived: null, skipped }, NOW);
    expect(report.archive).toBeNull();
    expect(report).not.toHaveProperty('archive_error');
    expect(report.skipped).toEqual(skipped);
  });

  it('with archiving off, says archive: null and archive_off: true, and no archive_error', () => {
    const report = buildReport(finishedRun(), [], { archived: null, off: true, skipped: [] }, NOW);
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ archive: null, archive_off: true });
    expect(report).not.toHaveProperty('archive_error');
    for (const other of [archived, failedArchive, { archived: null, skipped }]) {
      expect(buildReport(finishedRun(), [], other, NOW)).not.toHaveProperty('archive_off');
    }
  });

  it('copies the files that were not archived, with why', () => {
    expect(buildReport(finishedRun(), [], archived, NOW).skipped).toEqual(skipped);
    expect(buildReport(finishedRun(), [], failedArchive, NOW).skipped).toEqual(skipped);
  });

  it('reports each stall with ISO start and end, and its idle time', () => {
    const stalls: StallSpan[] = [
      {
        progressAt: at('2026-03-10T10:05:00.000Z'),
        startedAt: at('2026-03-10T10:35:00.000Z'),
        endedAt: at('2026-03-10T10:50:30.500Z'),
      },
    ];
    const report = buildReport(finishedRun(), stalls, archived, NOW);
    expect(report.stalls).toEqual([
      {
        started_at: '2026-03-10T10:35:00.000Z',
        ended_at: '2026-03-10T10:50:30.500Z',
        idle_s: 2730.5, // 10:05:00 → 10:50:30.5, the whole time without progress
      },
    ]);
  });

  it('counts a stall that never ended up to the run’s finish, with ended_at null', () => {
    const stalls: StallSpan[] = [
      {
        progressAt: at('2026-03-10T10:05:00.000Z'),
        startedAt: at('2026-03-10T10:35:00.000Z'),
        endedAt: at('2026-03-10T10:40:00.000Z'),
      },
      {
        progressAt: at('2026-03-10T11:00:00.000Z'),
        startedAt: at('2026-03-10T11:30:00.000Z'),
        endedAt: null,
      },
    ];
    const report = buildReport(finishedRun(), stalls, archived, NOW);
    expect(report.stalls).toEqual([
      {
        started_at: '2026-03-10T10:35:00.000Z',
        ended_at: '2026-03-10T10:40:00.000Z',
        idle_s: 2100,
      },
      // finished_at 12:00, last progress 11:00: one hour, not up to generated_at (12:30)
      { started_at: '2026-03-10T11:30:00.000Z', ended_at: null, idle_s: 3600 },
    ]);
  });

  it('describes the attempt it was built for', () => {
    const report = buildReport(finishedRun({ attempt: 3, outcome: 'succeeded' }), [], null, NOW);
    expect(report.attempt).toBe(3);
    expect(report.outcome).toBe('succeeded');
  });

  it('keeps unknown times as null rather than inventing them', () => {
    const run = finishedRun({ created_at: null, started_at: null, duration_s: null });
    const report = buildReport(run, [], null, NOW);
    expect(report.created_at).toBeNull();
    expect(report.started_at).toBeNull();
    expect(report.duration_s).toBeNull();
  });
});
