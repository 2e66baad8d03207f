/**
 * The inner layers of electron/core/ (ARCHITECTURE.md §1), lowest first. A folder imports only
 * folders of the layers below its own, never one beside it in the same layer, so no two folders
 * can depend on each other. The files at core's root (log.ts, small-heap.ts) sit under every
 * layer and import none of them.
 *
 * Lint (eslint.config.js) and the cycle check (.dependency-cruiser.mjs) both read this list.
 */
export const CORE_LAYERS = [
  // Clock and timestamps; YAML and schema helpers.
  ['time', 'config'],
  // The event bus, the read-only source (its mapping files are YAML), zips.
  ['events', 'source', 'archive'],
  // What a read of a run says, the run as tracked and as finished, an alert message.
  ['model'],
  // state.db; the tray's menu, icon and where a notification click leads.
  ['store', 'tray'],
  // Change detection and stall deadlines; the summary report of one run.
  ['monitor', 'report'],
  // Rules, outbox and channels; the archive and report job queue; the demo pipeline.
  ['alerts', 'jobs', 'demo'],
  // One watched source put together; the settings in force.
  ['session', 'settings'],
  ['api'],
  ['serve'],
  ['desktop'],
  ['cli'],
];
