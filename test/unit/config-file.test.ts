import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG_FILE,
  loadConfigFile,
  parseConfig,
} from '../../electron/core/alerts/config-file.ts';
import {
  ConfigError,
  formatProblem,
  type ConfigProblem,
} from '../../electron/core/config/yaml-validate.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const FILE = '/etc/runwatch/alerts.yaml';

/** The problems parseConfig throws for `text` (fails the test if it does not throw). */
function problemsOf(text: string, file = FILE): { error: ConfigError; problems: ConfigProblem[] } {
  try {
    parseConfig(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { error: error as ConfigError, problems: (error as ConfigError).problems };
  }
  throw new Error('expected a ConfigError');
}

/** 1-based line and column of `token` on the first line of `text` that contains `lineText`. */
function positionOf(text: string, lineText: string, token: string) {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.includes(lineText));
  if (index < 0) throw new Error(`no line with ${lineText}`);
  const col = (lines[index] as string).indexOf(token);
  if (col < 0) throw new Error(`no ${token} on line ${index + 1}`);
  return { line: index + 1, col: col + 1 };
}

describe('the shipped config/alerts.yaml', () => {
  it('is where DEFAULT_CONFIG_FILE points', () => {
    expect(DEFAULT_CONFIG_FILE.split(path.sep).slice(-2)).toEqual(['config', 'alerts.yaml']);
    expect(fs.existsSync(DEFAULT_CONFIG_FILE)).toBe(true);
  });

  it('parses, with stall_after 30 min and the train-* override (3 h, 12 h)', () => {
    const config = loadConfigFile(DEFAULT_CONFIG_FILE);
    expect(config.file).toBe(DEFAULT_CONFIG_FILE);
    expect(config.monitor).toEqual({ stallAfter: 30 * MINUTE });
    expect(config.pipelines).toEqual([
      { pattern: 'train-*', stallAfter: 3 * HOUR, maxDuration: 12 * HOUR },
    ]);
  });

  it('gives train-* runs 3 h to stall and 12 h to run, other runs 30 min', () => {
    const config = loadConfigFile(DEFAULT_CONFIG_FILE);
    const settings = resolveMonitorSettings({
      config: { globals: config.monitor, pipelines: config.pipelines },
    });
    expect(settings.thresholds('train-resnet')).toEqual({
      stallAfter: 3 * HOUR,
      maxDuration: 12 * HOUR,
    });
    expect(settings.thresholds('etl-daily')).toEqual({
      stallAfter: 30 * MINUTE,
      maxDuration: null,
    });
    expect(settings.origin.stallAfter).toBe('config');
  });
});

describe('parseConfig', () => {
  it('reads every monitor: key with its unit', () => {
    const config = parseConfig(
      [
        'monitor:',
        '  stall_after: 45m',
        '  source_grace: 90s',
        '  settle: 2s',
        '  stale_after: 2d',
        '  max_alert_age: 1h30m',
        '  keep_history: 90d',
      ].join('\n'),
      FILE,
    );
    expect(config.monitor).toEqual({
      stallAfter: 45 * MINUTE,
      sourceGrace: 90 * SECOND,
      settle: 2 * SECOND,
      staleAfter: 48 * HOUR,
      maxAlertAge: 90 * MINUTE,
      keepHistory: 90 * 24 * HOUR,
    });
  });

  it('refuses to keep less than an hour of history, at its line and column', () => {
    const text = ['monitor:', '  keep_history: 10m', ''].join('\n');
    const { error } = problemsOf(text);
    expect(error.message).toBe(`${FILE}:2:17: monitor.keep_history: keep at least 1h of history`);
  });

  it('keeps pipelines: in file order', () => {
    const config = parseConfig(
      [
        'pipelines:',
        '  "train-big":',
        '    max_duration: 2h',
        '  "train-*":',
        '    stall_after: 3h',
        '  "etl-?":',
        '    stall_after: 10m',
      ].join('\n'),
      FILE,
    );
    expect(config.pipelines).toEqual([
      { pattern: 'train-big', maxDuration: 2 * HOUR },
      { pattern: 'train-*', stallAfter: 3 * HOUR },
      { pattern: 'etl-?', stallAfter: 10 * MINUTE },
    ]);
  });

  it('accepts a file with no monitoring settings at all', () => {
    expect(parseConfig('channels:\n  desktop:\n    type: desktop\n', FILE)).toMatchObject({
      file: FILE,
      monitor: {},
      pipelines: [],
    });
    expect(parseConfig('', FILE)).toMatchObject({ file: FILE, monitor: {}, pipelines: [] });
  });

  it('reports an unknown monitor key at its line and column, with "did you mean"', () => {
    const text = ['channels: {}', 'monitor:', '  stall_aftr: 30m', ''].join('\n');
    const { error, problems } = problemsOf(text);
    const { line, col } = positionOf(text, 'stall_aftr', 'stall_aftr');
    expect(line).toBe(3);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: FILE, line, col });
    expect(problems[0]?.message).toContain('stall_aftr');
    expect(problems[0]?.message).toContain('did you mean stall_after?');
    expect(error.message).toBe(`${FILE}:3:3: ${problems[0]?.message}`);
  });

  it('suggests pipelines for a top-level pipeline key', () => {
    const text = [
      'monitor:',
      '  stall_after: 30m',
      'pipeline:',
      '  "train-*":',
      '    stall_after: 3h',
    ].join('\n');
    const { problems } = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3, col: 1 });
    expect(problems[0]?.message).toMatch(/unknown key pipeline\b.*did you mean pipelines\?/);
  });

  it('suggests max_duration for a misspelt per-pipeline key', () => {
    const text = ['pipelines:', '  "train-*":', '    max_duraton: 12h'].join('\n');
    const { problems } = problemsOf(text);
    expect(problems[0]).toMatchObject(positionOf(text, 'max_duraton', 'max_duraton'));
    expect(problems[0]?.message).toContain('did you mean max_duration?');
  });

  it('lists the known keys when a key is nothing like any of them', () => {
    const { problems } = problemsOf('colour: blue\n');
    expect(problems[0]).toMatchObject({ line: 1, col: 1 });
    expect(problems[0]?.message).toContain('colour');
    for (const key of ['channels', 'rules', 'monitor', 'pipelines']) {
      expect(problems[0]?.message).toContain(key);
    }
  });

  it('rejects a duration without a unit, naming the key, at the value', () => {
    const text = ['monitor:', '  stall_after: 30', ''].join('\n');
    const { error, problems } = problemsOf(text);
    expect(problems).toHaveLength(1);
    const { line, col } = positionOf(text, 'stall_after', '30');
    expect(problems[0]).toMatchObject({ line, col });
    expect(problems[0]?.message).toContain('monitor.stall_after');
    expect(problems[0]?.message).toMatch(/unit/);
    expect(error.message.startsWith(`${FILE}:${line}:${col}: `)).toBe(true);
  });

  it('rejects a duration it cannot read, quoting it', () => {
    const text = ['monitor:', '  source_grace: soon'].join('\n');
    const { problems } = problemsOf(text);
    expect(problems[0]).toMatchObject(positionOf(text, 'source_grace', 'soon'));
    expect(problems[0]?.message).toContain('monitor.source_grace');
    expect(problems[0]?.message).toContain('"soon"');
  });

  it('reports all errors at once, each at its own line, in file order', () => {
    const text = [
      '# monitoring', //                       1
      'monitor:', //                           2
      '  stall_after: 30', //                  3  no unit
      '  source_grace: abc', //                4  not a duration
      '  stall_aftr: 5m', //                   5  typo
      'pipelines:', //                         6
      '  "train-*":', //                       7
      '    max_duraton: 12h', //               8  typo
      '    stall_after: 3', //                 9  no unit
      'pipeline: {}', //                       10 typo
      '',
    ].join('\n');
    const { error, problems } = problemsOf(text);
    const expected = [
      positionOf(text, 'stall_after: 30', '30'),
      positionOf(text, 'source_grace', 'abc'),
      positionOf(text, 'stall_aftr', 'stall_aftr'),
      positionOf(text, 'max_duraton', 'max_duraton'),
      positionOf(text, '    stall_after: 3', '3'),
      positionOf(text, 'pipeline: {}', 'pipeline'),
    ];
    expect(problems.map(({ line, col }) => ({ line, col }))).toEqual(expected);
    expect(expected.map((p) => p.line)).toEqual([3, 4, 5, 8, 9, 10]);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(6);
    for (const [i, problem] of problems.entries()) {
      expect(lines[i]).toBe(`${FILE}:${problem.line}:${problem.col}: ${problem.message}`);
    }
    expect(lines[0]).toContain('monitor.stall_after');
    expect(lines[4]).toContain('pipelines.train-*.stall_after');
  });

  it('reports a section of the wrong shape at its position', () => {
    const text = ['channels: {}', 'monitor: 30m'].join('\n');
    const { problems } = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject(positionOf(text, 'monitor:', '30m'));
    expect(problems[0]?.message).toContain('monitor');
  });

  it('reports malformed YAML with its line and column', () => {
    const text = ['monitor:', '  stall_after: 30m', 'pipelines: "train-*": 3h', ''].join('\n');
    const { error, problems } = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.line).toBe(3);
    expect(problems[0]?.col).toEqual(expect.any(Number));
    expect(error.message).toMatch(new RegExp(`^${FILE}:3:\\d+: `));
  });

  it('reports a tab used as indentation at its line', () => {
    const text = ['channels: {}', 'monitor:', '\tstall_after: 30m', ''].join('\n');
    const { problems } = problemsOf(text);
    expect(problems[0]).toMatchObject({ line: 3, col: 1 });
  });

  it('reports a duplicate key as an error at the second occurrence', () => {
    const text = ['monitor:', '  stall_after: 30m', '  stall_after: 1h', ''].join('\n');
    const { error, problems } = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/unique|duplicate/i);
    expect(problems[0]).toMatchObject({ line: 3, col: 3 });
    expect(error.message).toMatch(new RegExp(`^${FILE}:3:3: `));
  });

  it('reports a duplicate top-level section as an error', () => {
    const text = ['monitor:', '  stall_after: 30m', 'monitor:', '  settle: 1s', ''].join('\n');
    const { problems } = problemsOf(text);
    expect(problems[0]?.message).toMatch(/unique|duplicate/i);
    expect(problems[0]).toMatchObject({ line: 3, col: 1 });
  });
});

/** Nine lists of nine, each made of the one before: millions of values from a few lines. */
function billionLaughs(): string {
  const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  for (let index = 1; index < names.length; index++) {
    const alias = `*${names[index - 1] as string}`;
    lines.push(
      `${names[index] as string}: &${names[index] as string} [${Array(9).fill(alias).join(', ')}]`,
    );
  }
  lines.push('channels: *g', '');
  return lines.join('\n');
}

describe('hostile YAML', () => {
  it('reports aliases that would expand to millions of values at the largest alias', () => {
    const text = billionLaughs();
    const { problems } = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject(positionOf(text, 'channels:', '*g'));
    expect(problems[0]?.message).toMatch(
      /^aliases would add \d+ values to the 80 written in this file \(at most 100000\): \*g alone stands for 5380840$/,
    );
  });

  it('reports an alias inside the value it stands for at the alias, instead of looping', () => {
    const text = 'channels: &x\n  d: *x\n';
    const { error, problems } = problemsOf(text);
    expect(problems).toEqual([
      {
        file: FILE,
        line: 2,
        col: 6,
        message: 'alias *x stands for a value that holds the alias itself: it would never end',
      },
    ]);
    expect(error.message).toBe(`${FILE}:2:6: ${problems[0]?.message}`);
  });

  it('reports an alias with no anchor before it', () => {
    const text = 'channels: {}\nrules: [*missing]\n';
    expect(problemsOf(text).problems).toEqual([
      { file: FILE, line: 2, col: 9, message: 'alias *missing has no anchor &missing before it' },
    ]);
  });

  it('reports values nested too deep through a chain of aliases', () => {
    const lines = ['x0: &x0 [1]'];
    for (let index = 1; index <= 300; index++) lines.push(`x${index}: &x${index} [*x${index - 1}]`);
    const { problems } = problemsOf(`${lines.join('\n')}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^values nest more than 256 levels deep through aliases/);
  });

  it('accepts an anchor used by hundreds of rules, each a copy of its own', () => {
    const rules = Array.from(
      { length: 299 },
      (_, index) => `  - { name: r${index + 1}, match: *failed, severity: error, channels: *to }`,
    );
    const text = [
      'channels:',
      '  desktop: { type: desktop }',
      'rules:',
      '  - name: r0',
      '    match: &failed { type: run_completed, outcome: failed }',
      '    severity: error',
      '    channels: &to [desktop]',
      ...rules,
      '',
    ].join('\n');
    const config = parseConfig(text, FILE);
    expect(config.alerts.rules).toHaveLength(300);
    expect(config.alerts.rules[299]?.match).toEqual({ type: 'run_completed', outcome: 'failed' });
    expect(config.alerts.rules[299]?.channels).toEqual(['desktop']);
    expect(config.alerts.rules[0]?.match).not.toBe(config.alerts.rules[1]?.match);
  });
});

describe('pipelines: globs', () => {
  it('reports an unclosed [ or a backwards range at the key', () => {
    const text = [
      'pipelines:',
      "  'train-[a-':",
      '    stall_after: 1h',
      "  'etl-[9-0]*':",
      '    stall_after: 1h',
      '',
    ].join('\n');
    const { problems } = problemsOf(text);
    expect(problems).toEqual([
      {
        file: FILE,
        line: 2,
        col: 3,
        message:
          'pipelines: "train-[a-": the [ at character 7 is never closed: end the set with ], or write [[] for a [ itself',
      },
      {
        file: FILE,
        line: 4,
        col: 3,
        message: 'pipelines: "etl-[9-0]*": the range 9-0 at character 6 is backwards: write 0-9',
      },
    ]);
  });

  it('takes a set of characters in a key', () => {
    const config = parseConfig("pipelines:\n  'etl-[0-9]*': { stall_after: 2h }\n", FILE);
    const settings = resolveMonitorSettings({ config: { pipelines: config.pipelines } });
    expect(settings.thresholds('etl-1-eu').stallAfter).toBe(2 * HOUR);
    expect(settings.thresholds('etl-eu').stallAfter).toBe(30 * MINUTE);
  });
});

describe('loadConfigFile', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runwatch-config-'));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names a missing file', () => {
    const file = path.join(dir, 'nowhere', 'alerts.yaml');
    expect(() => loadConfigFile(file)).toThrow(ConfigError);
    try {
      loadConfigFile(file);
    } catch (error) {
      expect((error as ConfigError).file).toBe(file);
      expect((error as Error).message).toBe(`${file}: file not found`);
    }
  });

  it('names a folder given as the config', () => {
    expect(() => loadConfigFile(dir)).toThrow(`${dir}: is a folder`);
  });

  it('reads a file and reports its problems under its absolute path', () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'monitor:\n  stall_after: 30\n');
    const relative = path.relative(process.cwd(), file);
    expect(() => loadConfigFile(relative)).toThrow(`${file}:2:16: monitor.stall_after`);
  });

  it('reads a good file', () => {
    const file = path.join(dir, 'good.yaml');
    fs.writeFileSync(
      file,
      'monitor:\n  stall_after: 20s\npipelines:\n  "demo-*":\n    max_duration: 5m\n',
    );
    expect(loadConfigFile(file)).toMatchObject({
      file,
      monitor: { stallAfter: 20 * SECOND },
      pipelines: [{ pattern: 'demo-*', maxDuration: 5 * MINUTE }],
    });
  });
});

describe('formatProblem', () => {
  it('writes file:line:col: message, or file: message without a position', () => {
    expect(formatProblem({ file: 'a.yaml', line: 4, col: 7, message: 'bad' })).toBe(
      'a.yaml:4:7: bad',
    );
    expect(
      formatProblem({ file: 'a.yaml', line: null, col: null, message: 'file not found' }),
    ).toBe('a.yaml: file not found');
  });
});
