import { insideDataDir } from './inside-data-dir.ts';
import { RequestError, type Handlers } from './request-context.ts';

/** A run's files and the database dialog: what the shell does for the UI, where it can. */
export const fileHandlers: Handlers<'openArchiveFolder' | 'chooseDatabase' | 'showRunFile'> = {
  async openArchiveFolder(context, params) {
    const source = context.source(params.source);
    const { openFolder } = context.options.files;
    if (!openFolder) {
      throw new RequestError('unavailable', 'folders open only in the desktop app');
    }
    const folder = insideDataDir(source.session.dataDir, 'archive');
    if (!folder) throw new RequestError('not_found', 'nothing has been archived yet');
    return { opened: await openFolder(folder) };
  },

  async chooseDatabase(context) {
    const { chooseDatabase } = context.options.files;
    if (!chooseDatabase) {
      throw new RequestError('unavailable', 'a file dialog opens only in the desktop app');
    }
    return { path: await chooseDatabase() };
  },

  showRunFile(context, params) {
    const source = context.source(params.source);
    const finished = source.session.store.history.finishedRun(params.run_id, params.attempt);
    const what = params.file === 'zip' ? 'archive' : 'report';
    const file = params.file === 'zip' ? finished?.archive?.path : finished?.report;
    // Only what Runwatch wrote in this source's data dir is ever opened or offered.
    const inside = file ? insideDataDir(source.session.dataDir, file) : null;
    if (!inside) {
      throw new RequestError(
        'not_found',
        `run ${params.run_id} (attempt ${params.attempt}) has no ${what}`,
      );
    }
    return context.options.files.showFile(inside);
  },
};
