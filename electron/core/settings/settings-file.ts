import { formatSettingsPath, type SettingsIssue } from '../../../shared/settings.ts';
import { ConfigError, type ConfigProblem } from '../config/yaml-validate.ts';
import type { StoredSettings } from './settings-migrations.ts';

/** Problems with settings, each as `file: field.path: message`, and each at its field. */
export class SettingsError extends ConfigError {
  readonly issues: readonly SettingsIssue[];

  constructor(file: string, issues: readonly SettingsIssue[]) {
    super(
      file,
      issues.map((issue) => {
        const where = formatSettingsPath(issue.path);
        return {
          file,
          line: null,
          col: null,
          message: where ? `${where}: ${issue.message}` : issue.message,
        };
      }),
    );
    this.issues = issues;
  }
}

/** Problems with settings.json, all at once. */
export function settingsError(file: string, issues: readonly SettingsIssue[]): ConfigError {
  return new SettingsError(file, issues);
}

/** A JSON syntax error where V8 locates it, as `file:line:col: not valid JSON: …`. */
function syntaxProblem(file: string, error: Error): ConfigProblem {
  const place = / \(line (\d+) column (\d+)\)$/.exec(error.message);
  const message = error.message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/, ".*" is not valid JSON$/s, '');
  return {
    file,
    line: place ? Number(place[1]) : null,
    col: place ? Number(place[2]) : null,
    message: `not valid JSON: ${message}`,
  };
}

/** The version of a settings.json and its settings, or a ConfigError saying why it has none. */
export function parseSettingsText(
  text: string,
  file: string,
): { version: number; stored: StoredSettings } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [syntaxProblem(file, error as Error)]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw settingsError(file, [{ path: [], message: 'expected a JSON object' }]);
  }
  const { version, ...stored } = parsed as Record<string, unknown>;
  if (version === undefined) {
    throw settingsError(file, [{ path: ['version'], message: 'required' }]);
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw settingsError(file, [
      {
        path: ['version'],
        message: `expected a whole number from 1; got ${JSON.stringify(version)}`,
      },
    ]);
  }
  return { version, stored };
}
