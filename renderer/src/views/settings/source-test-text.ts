import type { SourceTestResult } from '../../../../shared/api.ts';

/** What a source's test found, in one line: `runwatch (recognised): 3 active, 120 finished runs`. */
export function sourceTestText(result: SourceTestResult): string {
  if (!result.ok || result.schema === null) return result.error ?? 'cannot be read';
  const how = result.schema.detected ? ' (recognised)' : '';
  return `${result.schema.name}${how}: ${result.active ?? 0} active, ${result.finished ?? 0} finished runs`;
}
