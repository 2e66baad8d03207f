import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventLine } from '../../electron/core/cli/event-line.ts';
import { textTable } from '../../electron/core/cli/text-table.ts';
import type { RunwatchEvent } from '../../shared/events.ts';

/** Start column of each cell: where a column begins on every line of the table. */
function columnStarts(line: string, cells: readonly string[]): number[] {
  let from = 0;
  return cells.map((cell) => {
    const at = line.indexOf(cell, from);
    from = at + cell.length;
    return at;
  });
}

describe('textTable', () => {
  const headers = ['RUN', 'PIPELINE', 'STATUS', 'IDLE'];
  const rows = [
    ['r-1', 'etl-daily', 'running', '3m 10s'],
    ['run-000000002', 'train', 'STALLED', '2h 5m'],
    ['r3', 'a-much-longer-pipeline-name', 'succeeded', '-'],
  ];

  it('aligns every column under its header', () => {
    const lines = textTable(headers, rows).split('\n');
    expect(lines).toHaveLength(4);
    const starts = columnStarts(lines[0] as string, headers);
    for (const [i, row] of rows.entries()) {
      expect(columnStarts(lines[i + 1] as string, row)).toEqual(starts);
    }
  });

  it('pads each column to its widest cell, two spaces apart', () => {
    const [header] = textTable(headers, rows).split('\n');
    expect(header).toBe('RUN            PIPELINE                     STATUS     IDLE');
  });

  it('leaves no trailing spaces', () => {
    const table = textTable(
      ['A', 'B'],
      [
        ['x', ''],
        ['longer', 'y'],
      ],
    );
    for (const line of table.split('\n')) expect(line).toBe(line.trimEnd());
    expect(table).toBe('A       B\nx\nlonger  y');
  });

  it('widens a column for a header longer than its cells', () => {
    expect(textTable(['PIPELINE', 'N'], [['a', '1']])).toBe('PIPELINE  N\na         1');
  });

  it('treats a missing cell as empty', () => {
    const table = textTable(['A', 'B', 'C'], [['1'], ['22', '3', '4']]);
    expect(table.split('\n')).toEqual(['A   B  C', '1', '22  3  4']);
  });

  it('prints only the header when there are no rows', () => {
    expect(textTable(['RUN', 'STATUS'], [])).toBe('RUN  STATUS');
  });
});

describe('eventLine', () => {
  const originalTz = process.env.TZ;
  const at = '2026-11-25T16:22:28.000Z';

  beforeAll(() => {
    process.env.TZ = 'UTC';
  });

  afterAll(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  const base = {
    id: 1,
    source: 'orchestration',
    at,
    run_id: 'run-42',
    pipeline: 'train-resnet',
    attempt: 1,
    occurred_at: at,
  };
  const counts = {
    steps_total: 5,
    steps_succeeded: 5,
    steps_failed: 0,
    steps_skipped: 0,
    steps_cancelled: 0,
  };

  const events: Record<RunwatchEvent['type'], RunwatchEvent> = {
    run_started: { ...base, type: 'run_started', status: 'running' },
    step_failed: { ...base, type: 'step_failed', step_id: 's3', step_name: 'evaluate' },
    run_completed: {
      ...base,
      ...counts,
      type: 'run_completed',
      outcome: 'succeeded',
      duration_s: 190,
    },
    run_stalled: {
      ...base,
      type: 'run_stalled',
      idle_s: 1_800,
      last_progress_at: '2026-11-25T15:52:28.000Z',
    },
    run_recovered: { ...base, type: 'run_recovered', stalled_for_s: 300 },
    run_overdue: { ...base, type: 'run_overdue', running_for_s: 12 * 3_600 + 300 },
    run_removed: { ...base, type: 'run_removed' },
    run_archived: {
      ...base,
      type: 'run_archived',
      path: '/data/archive/run-42.zip',
      bytes: 3 * 1024 * 1024,
      files: 12,
      sha256: 'ab'.repeat(32),
    },
    archive_failed: { ...base, type: 'archive_failed', reason: 'the artifacts folder is gone' },
    report_written: {
      ...base,
      type: 'report_written',
      path: '/data/reports/run-42_summary.json',
    },
    source_down: {
      id: 2,
      source: 'orchestration',
      at,
      type: 'source_down',
      reason: 'file not found',
    },
    source_up: {
      id: 3,
      source: 'orchestration',
      at,
      type: 'source_up',
      reason: 'database readable again',
    },
    config_error: {
      id: 4,
      source: 'orchestration',
      at,
      type: 'config_error',
      file: '/etc/runwatch/alerts.yaml',
      errors: ['/etc/runwatch/alerts.yaml:4:5: unknown key severty (did you mean severity?)'],
    },
    alert_sent: {
      id: 5,
      source: 'orchestration',
      at,
      type: 'alert_sent',
      rule: 'run-failed',
      channel: 'slack',
      severity: 'critical',
      delivery_id: 7,
      alerts: 1,
      attempts: 1,
    },
    alert_failed: {
      id: 6,
      source: 'orchestration',
      at,
      type: 'alert_failed',
      rule: 'run-failed, run-stalled',
      channel: 'ops-hook',
      severity: 'critical',
      delivery_id: 8,
      alerts: 3,
      reason: 'HTTP 404 from hooks.example.com',
    },
  };

  it('starts every line with the local time of detection', () => {
    for (const event of Object.values(events)) expect(eventLine(event)).toMatch(/^16:22:28 {2}\S/);
  });

  it('says where an archive went and why one failed', () => {
    expect(eventLine(events.run_archived)).toContain(
      '12 files, 3.00 MB -> /data/archive/run-42.zip',
    );
    expect(eventLine(events.archive_failed)).toContain(
      'NO ARCHIVE   train-resnet run-42: the artifacts folder is gone',
    );
    expect(eventLine(events.report_written)).toContain('/data/reports/run-42_summary.json');
  });

  it('says which config stays in force, and where alerts went or why they did not', () => {
    expect(eventLine(events.config_error)).toContain(
      'the last good config stays: /etc/runwatch/alerts.yaml:4:5: unknown key severty',
    );
    expect(eventLine(events.alert_sent)).toContain('run-failed -> slack');
    expect(eventLine(events.alert_failed)).toContain(
      '3 alerts -> ops-hook: HTTP 404 from hooks.example.com',
    );
  });

  it('shows the time in the local zone, like a log tail', () => {
    process.env.TZ = 'Asia/Tokyo';
    try {
      expect(new Date(0).getTimezoneOffset()).toBe(-540);
      expect(eventLine(events.run_started).startsWith('01:22:28  ')).toBe(true);
    } finally {
      process.env.TZ = 'UTC';
    }
    expect(eventLine(events.run_started).startsWith('16:22:28  ')).toBe(true);
  });

  it('lines up what follows the label for every event type', () => {
    const starts = Object.values(events).map((event) => {
      const line = eventLine(event);
      const subject = 'run_id' in event ? event.pipeline : event.source;
      return line.indexOf(subject);
    });
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBeGreaterThan('16:22:28  '.length);
  });

  it('says a run started, with its pipeline, id and status', () => {
    expect(eventLine(events.run_started)).toBe(
      '16:22:28  started      train-resnet run-42 (running)',
    );
  });

  it('names the failed step', () => {
    const line = eventLine(events.step_failed);
    expect(line).toContain('step failed');
    expect(line).toContain('train-resnet run-42');
    expect(line).toContain('evaluate');
  });

  it('falls back to the step id when the step has no name', () => {
    const line = eventLine({ ...base, type: 'step_failed', step_id: 's3', step_name: '' });
    expect(line).toMatch(/: s3$/);
  });

  it('says a run succeeded, how long it took and how its steps went', () => {
    expect(eventLine(events.run_completed)).toBe(
      '16:22:28  succeeded    train-resnet run-42 in 3m 10s (5/5 steps ok)',
    );
  });

  it('makes a failed run stand out, with its failed steps counted', () => {
    const line = eventLine({
      ...base,
      ...counts,
      type: 'run_completed',
      outcome: 'failed',
      duration_s: 42,
      steps_succeeded: 3,
      steps_failed: 2,
    });
    expect(line).toContain('FAILED');
    expect(line).toContain('in 42s');
    expect(line).toContain('3/5 steps ok, 2 failed');
    expect(eventLine(events.run_completed)).not.toMatch(/[A-Z]{4,}/);
  });

  it('makes a cancelled run stand out too', () => {
    const line = eventLine({
      ...base,
      ...counts,
      type: 'run_completed',
      outcome: 'cancelled',
      duration_s: 5,
    });
    expect(line).toContain('CANCELLED');
  });

  it('shows ? for a run whose duration is unknown', () => {
    const line = eventLine({ ...events.run_completed, duration_s: null } as RunwatchEvent);
    expect(line).toContain('in ?');
  });

  it('makes a stall stand out, saying for how long nothing happened', () => {
    const line = eventLine(events.run_stalled);
    expect(line).toContain('STALLED');
    expect(line).toContain('train-resnet run-42');
    expect(line).toContain('no progress for 30m');
  });

  it('makes an overdue run stand out, saying how long it has run', () => {
    const line = eventLine(events.run_overdue);
    expect(line).toContain('OVERDUE');
    expect(line).toContain('running for 12h 5m');
  });

  it('says a stalled run recovered, and after how long', () => {
    const line = eventLine(events.run_recovered);
    expect(line).toContain('recovered');
    expect(line).toContain('after 5m stalled');
    expect(line).not.toMatch(/STALLED|FAILED/);
  });

  it('says a run was removed', () => {
    expect(eventLine(events.run_removed)).toBe('16:22:28  removed      train-resnet run-42');
  });

  it('makes a source going down stand out, with the reason', () => {
    expect(eventLine(events.source_down)).toBe(
      '16:22:28  SOURCE DOWN  orchestration: file not found',
    );
  });

  it('says the source is up again, without shouting', () => {
    const line = eventLine(events.source_up);
    expect(line).toContain('source up');
    expect(line).toContain('orchestration: database readable again');
    expect(line).not.toMatch(/[A-Z]{4,}/);
  });

  it('shows the attempt of a retried run', () => {
    const line = eventLine({ ...events.run_started, attempt: 2 } as RunwatchEvent);
    expect(line).toContain('train-resnet run-42 (attempt 2)');
    expect(eventLine(events.run_started)).not.toContain('attempt');
  });

  it('shows when a late event really happened', () => {
    const line = eventLine({
      ...events.run_completed,
      occurred_at: '2026-11-25T09:05:00.000Z',
      late: true,
    } as RunwatchEvent);
    expect(line).toMatch(/^16:22:28 /);
    expect(line).toContain('[happened 09:05:00]');
    expect(eventLine(events.run_completed)).not.toContain('happened');
  });
});
