import path from 'node:path';
import { SECRET_KEPT, type CheckedParams, type SourceTestResult } from '../../../shared/api.ts';
import type { Settings } from '../../../shared/settings.ts';
import { ConfigError } from '../config/yaml-validate.ts';
import { schemaChoice } from '../source/builtin-profiles.ts';
import { sourceFor } from '../source/open-source.ts';
import { isPostgresUrl, withPassword } from '../source/pg/pg-location.ts';
import { SourceError } from '../source/source-error.ts';
import { RequestError } from './request-context.ts';

/** How long a test may wait for a server: a Test button answers within seconds. */
const TEST_GRACE_MS = 20_000;

function failed(error: string): SourceTestResult {
  return { ok: false, schema: null, active: null, finished: null, error };
}

/**
 * Opens a source's database as the settings window has it, saved or not, and says how it would be
 * read: the profile recognised or named, and its runs. A password still `SECRET_KEPT` is the saved
 * source's of the same name. Nothing is written; the connection is closed again.
 */
export async function testSource(
  params: CheckedParams<'testSource'>,
  saved: () => Promise<Settings | null>,
): Promise<SourceTestResult> {
  const db = params.db.trim();
  const server = isPostgresUrl(db);
  if (!server && !path.isAbsolute(db)) {
    throw new RequestError(
      'invalid',
      'testSource: db: expected an absolute path or a postgresql:// URL',
    );
  }
  let password = params.password;
  if (password === SECRET_KEPT) {
    const source = (await saved())?.sources.find((s) => s.name === params.name);
    if (params.name === undefined || !source?.password) {
      throw new RequestError(
        'invalid',
        'testSource: password: no saved password to keep; enter it again',
      );
    }
    password = source.password;
  }
  let schema: ReturnType<typeof schemaChoice> | null;
  try {
    schema = params.schema === undefined ? null : schemaChoice(params.schema);
  } catch (error) {
    if (error instanceof ConfigError)
      return failed(error.problems.map((p) => p.message).join('; '));
    throw error;
  }
  const location = server ? withPassword(db, password) : db;
  const source = sourceFor(location, schema, () => {}, TEST_GRACE_MS);
  try {
    const info = await source.open();
    const counts = await source.countRuns();
    return {
      ok: true,
      schema: { name: info.schema.name, detected: info.schema.detected },
      active: counts.active,
      finished: counts.finished,
      error: null,
    };
  } catch (error) {
    if (error instanceof SourceError) return failed(error.message);
    throw error;
  } finally {
    await source.close();
  }
}
