/**
 * What the tray icon shows, worst first (ARCHITECTURE.md §3): a failure, a stalled or overdue run, a
 * source that cannot be read, runs in progress, all good.
 */
export type TrayStatus = 'failed' | 'stalled' | 'unreachable' | 'running' | 'ok';
