import { formatProblem, type ConfigError } from '../config/yaml-validate.ts';
import { EXIT_INPUT } from './cli-errors.ts';

export function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/**
 * A file that cannot be used, as `check-config` says it (like `amtool check-config`): every
 * problem as `file:line:col: message` on stderr, then how many; exit 1.
 */
export function reportConfigError(error: ConfigError): number {
  const lines = error.problems.map(formatProblem);
  lines.push(`${error.file}: ${plural(error.problems.length, 'problem')}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  return EXIT_INPUT;
}
