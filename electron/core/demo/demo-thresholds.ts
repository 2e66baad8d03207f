/** What `--demo` means for thresholds (DESIGN.md §6): the demo's stall shows within a minute. */
export const DEMO_STALL_AFTER = 20_000;
