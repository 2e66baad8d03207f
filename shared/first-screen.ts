/**
 * A snapshot's first screen: the runs sent first, more than a tall window's list shows, so the
 * Active list draws from them alone while the rest follows in a compact table.
 */
export const FIRST_SCREEN_RUNS = 150;

/**
 * Where `runwatch serve` answers plain GETs with the first screen (an `ApiReply` of `snapshot`
 * with `first: FIRST_SCREEN_RUNS`). The page's own response names it for preloading, so the
 * browser fetches it beside the page's code instead of after it.
 */
export const FIRST_SCREEN_PATH = '/api/first-screen';
