import { describe, expect, it } from 'vitest';
import type { FinishedRunView } from '../../shared/api.ts';
import {
  anyPending,
  archiveState,
  archiveSummary,
  fileActions,
  filesVerb,
} from '../../renderer/src/views/run-files.ts';

const ARCHIVE = {
  path: '/data/archive/etl-0001.zip',
  bytes: 4_404_019,
  files_bytes: 10_328_474,
  files: 12,
  sha256: 'ab'.repeat(32),
  verified: true,
};

function run(extra: Partial<FinishedRunView>): FinishedRunView {
  return {
    source: 'orders',
    pipeline: 'etl-daily',
    run_id: 'etl-0001',
    attempt: 1,
    outcome: 'succeeded',
    started_at: null,
    finished_at: null,
    duration_s: 10,
    steps_total: 3,
    steps_failed: 0,
    archive: null,
    archive_error: null,
    report: null,
    ...extra,
  };
}

describe('archiveState', () => {
  it('tells a verified archive, an error, one still coming and a run without artifacts apart', () => {
    expect(archiveState(run({ archive: ARCHIVE, report: '/r.json' })).kind).toBe('verified');
    expect(archiveState(run({ archive: { ...ARCHIVE, verified: false } })).kind).toBe('unverified');
    expect(archiveState(run({ archive_error: 'disk full' }))).toEqual({
      kind: 'failed',
      error: 'disk full',
    });
    expect(archiveState(run({})).kind).toBe('pending');
    expect(archiveState(run({ report: '/r.json' })).kind).toBe('none');
  });

  it('finds a list with an archive still to come', () => {
    expect(anyPending([run({ archive: ARCHIVE, report: '/r' }), run({})])).toBe(true);
    expect(anyPending([run({ archive: ARCHIVE, report: '/r' }), run({ report: '/r' })])).toBe(
      false,
    );
  });
});

describe('archiveSummary', () => {
  it('names each size: the zip, and its files unzipped', () => {
    expect(archiveSummary(ARCHIVE)).toBe('zip 4.20 MB · 12 files, 9.85 MB unzipped');
    expect(archiveSummary({ ...ARCHIVE, bytes: 926, files_bytes: 812, files: 1 })).toBe(
      'zip 926 B · 1 file, 812 B unzipped',
    );
  });
});

describe('fileActions', () => {
  const done = run({ archive: ARCHIVE, report: '/data/reports/etl-0001_summary.json' });

  it('shows the files in the desktop app and downloads them from serve', () => {
    expect(fileActions(done, 'ipc').map((a) => a.label)).toEqual(['Show zip', 'Open report']);
    expect(fileActions(done, 'ipc').map((a) => a.short)).toEqual(['Zip', 'Report']);
    expect(filesVerb('ipc')).toBe('Open');
    expect(filesVerb('serve')).toBe('Download');
    expect(fileActions(done, 'serve').map((a) => a.label)).toEqual([
      'Download zip',
      'Download report',
    ]);
    expect(fileActions(done, 'serve').every((a) => a.available)).toBe(true);
  });

  it('names the run each button is for, with its attempt after the first', () => {
    expect(fileActions(done, 'serve')[0]?.name).toBe('Download zip of etl-0001');
    expect(fileActions({ ...done, attempt: 2 }, 'ipc')[1]?.name).toBe(
      'Open report of etl-0001 (attempt 2)',
    );
  });

  it('says why a file is not there', () => {
    const [zip, report] = fileActions(run({}), 'ipc');
    expect(zip).toMatchObject({ available: false, why: 'Still archiving' });
    expect(report).toMatchObject({ available: false });
    const [failedZip] = fileActions(run({ archive_error: 'too big', report: '/r' }), 'ipc');
    expect(failedZip).toMatchObject({ available: false, why: 'Not archived: too big' });
  });
});
