/**
 * `npm test`: lint, formatting, import cycles, typecheck, then every vitest project, and one last
 * plain line, `tests: N passed, N failed`, counting each check as one test.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const resultsFile = path.join(root, 'test-results', 'vitest.json');

let passed = 0;
let failed = 0;
let skipped = 0;

function run(label: string, command: string, args: string[]): boolean {
  process.stdout.write(`\n== ${label}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status === 0;
}

function check(label: string, command: string, args: string[]): void {
  if (run(label, command, args)) passed++;
  else {
    failed++;
    process.stdout.write(`!! ${label} failed\n`);
  }
}

check('lint', 'eslint', ['.']);
check('format', 'prettier', ['--check', '.']);
// Import cycles, and core's folders out of their layer order (.dependency-cruiser.mjs): each
// violation is listed with the files it runs through.
const sourceDirs = ['bin', 'electron', 'renderer', 'scripts', 'shared', 'test'];
check('import cycles', 'depcruise', ['--config', '.dependency-cruiser.mjs', ...sourceDirs]);
check('typecheck', 'tsc', ['-p', 'tsconfig.json']);
check('typecheck renderer', 'tsc', ['-p', 'renderer/tsconfig.json']);
check('typecheck browser tests', 'tsc', ['-p', 'test/browser/tsconfig.json']);

fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.rmSync(resultsFile, { force: true });
const vitestOk = run('tests', 'vitest', [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
]);
if (fs.existsSync(resultsFile)) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { status: string; name: string; message?: string }[];
  };
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  skipped += results.numPendingTests + results.numTodoTests;
  const brokenFiles = results.testResults.filter(
    (file) => file.status === 'failed' && file.message,
  );
  failed += brokenFiles.length;
  for (const file of brokenFiles) process.stdout.write(`!! ${file.name}: ${file.message}\n`);
} else {
  failed++;
  process.stdout.write('!! vitest wrote no results\n');
}
if (!vitestOk && failed === 0) failed++;

if (skipped > 0) process.stdout.write(`${skipped} skipped (each says why above)\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
