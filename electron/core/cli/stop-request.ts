/** How often a process that npm started checks that its parent is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Calls `onGone` once when the process that started this one exits, if npm started it (`npx`,
 * `npm run`, or anything under an npm script). npm starts a command through a shell and passes
 * SIGINT and SIGTERM on to that shell; a shell that runs the command as its child instead of in
 * its own place (dash, which is `sh` on Debian and Ubuntu) dies of the signal without passing it
 * on, and its exit is the only sign of the stop that reaches Runwatch. Returns the cancel.
 */
export function whenNpmParentGone(onGone: () => void): () => void {
  if (process.env.npm_lifecycle_event === undefined) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, PARENT_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Resolves with why the process should stop: SIGINT, SIGTERM, or the exit of the shell npm
 * started it through. A second signal exits at once.
 */
export function untilStopRequested(): Promise<string> {
  return new Promise((resolve) => {
    let requested = false;
    const request = (reason: string) => {
      if (requested) return;
      requested = true;
      resolve(reason);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (requested) process.exit(130);
      request(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    whenNpmParentGone(() => request('the npm command that started it has ended'));
  });
}
