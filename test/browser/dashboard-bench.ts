/**
 * `npm run bench -- --only dashboard` runs this in a process of its own and reads the JSON it
 * prints. The dashboard with 10,000 active runs in real Chromium, against `runwatch serve` on a real
 * database: how long the Active list takes to first show and to hold every run, how long from a
 * committed change in the database to the changed row on screen, and how many bytes the socket
 * carries for the snapshot and per single-run change, against the whole snapshot in one piece
 * (what the page read before, and what a polling UI would pay on every change).
 */
import path from 'node:path';
import type { Page, WebSocket } from 'playwright-core';
import { launchBrowser } from '../support/chromium.ts';
import buildDashboard from './build-dashboard.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { insertManyRuns } from '../support/many-runs.ts';
import type { DashboardBenchResult } from '../bench/dashboard-result.ts';
import { distribution } from '../bench/stats.ts';

declare global {
  interface Window {
    /** When the first screen and every row were drawn (ms since navigation). */
    rendered?: { first?: number; all?: number };
    /** When the watched row showed the change. */
    seen?: Promise<number>;
  }
}

const PROBES = 8;
const PROBE_STEPS = 80;

/** Socket frames' sizes, by what they carried. */
function countFrames(page: Page): { patches: number[]; firstScreens: number[]; rests: number[] } {
  const frames = { patches: [] as number[], firstScreens: [] as number[], rests: [] as number[] };
  page.on('websocket', (socket: WebSocket) => {
    socket.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString('utf8');
      const size = Buffer.byteLength(text);
      if (text.startsWith('{"push":{"type":"patch"')) frames.patches.push(size);
      else if (text.includes('"transport"') && text.includes('"runs"')) {
        frames.firstScreens.push(size);
      } else if (text.includes('"texts"') && text.includes('"runs"')) frames.rests.push(size);
    });
  });
  return frames;
}

/** What the page logs when the Active list has held every run: the benchmark's cue to read. */
const ALL_RENDERED = 'runwatch-bench: every run drawn';

/**
 * Watches every animation frame from the page's first script on, and keeps when the Active list
 * first showed rows with its whole row count, and when it first held every run: the times are
 * the page's own, not when the benchmark got round to asking.
 */
async function watchFirstRender(page: Page, runs: number): Promise<void> {
  await page.addInitScript(
    ({ rowCount, cue }) => {
      const seen: { first?: number; all?: number } = {};
      window.rendered = seen;
      const check = () => {
        const table = document.querySelector('[role="table"][aria-label="Active runs"]');
        if (
          table?.getAttribute('aria-rowcount') === String(rowCount) &&
          table.querySelector('[data-run-key]') !== null
        ) {
          seen.first ??= performance.now();
          if (table.getAttribute('aria-busy') !== 'true') seen.all ??= performance.now();
        }
        if (seen.all === undefined) requestAnimationFrame(check);
        else console.debug(cue);
      };
      requestAnimationFrame(check);
    },
    { rowCount: runs + 1, cue: ALL_RENDERED },
  );
}

/**
 * Milliseconds from navigation start until the list shows its first rows with the whole row
 * count, and until it holds every run. The page says when through its console: asking it
 * instead (Playwright's `waitForFunction`) would compile and run Playwright's own script on the
 * page's main thread while it loads, 10–15 ms that the page never spends for a user.
 */
async function firstRender(page: Page, url: string): Promise<{ first: number; all: number }> {
  const drawn = page.waitForEvent('console', {
    predicate: (message) => message.text() === ALL_RENDERED,
    timeout: 120_000,
  });
  await page.goto(url, { waitUntil: 'commit' });
  await drawn;
  return page.evaluate(() => {
    const { rendered } = window;
    if (rendered?.first === undefined || rendered.all === undefined) {
      throw new Error('the page said it drew every run but kept no times');
    }
    return { first: rendered.first, all: rendered.all };
  });
}

/** The whole snapshot in one piece, as the page read it before: its size in bytes. */
async function wholeSnapshotBytes(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`ws://${location.host}/api`);
        socket.onopen = () =>
          socket.send(JSON.stringify({ id: 1, request: { name: 'snapshot', params: {} } }));
        socket.onmessage = (event) => {
          const text = String(event.data);
          if (!text.startsWith('{"id":1')) return;
          socket.close();
          resolve(new Blob([text]).size);
        };
        socket.onerror = () => reject(new Error('the socket failed'));
      }),
  );
}

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function benchDashboard(quick: boolean): Promise<DashboardBenchResult> {
  const runs = 10_000;
  const changes = quick ? 60 : 300;
  progress('dashboard: building the UI');
  await buildDashboard();
  const server = await startDashboardServer({ args: ['--stall-after', '6h'] });
  const browser = await launchBrowser();
  try {
    const old = new Date(Date.now() - 60_000).toISOString();
    insertManyRuns(server.db, runs - PROBES, { startedAt: old });
    // Started last, so they sort first and are on screen: each step they finish is a change.
    const probes = insertManyRuns(server.db, PROBES, { prefix: 'probe', steps: PROBE_STEPS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const frames = countFrames(page);
    await watchFirstRender(page, runs);
    await page.goto(server.url);
    const active = new URL('/#/active', server.origin).href;

    progress(`dashboard: first render of ${runs} runs`);
    const renders: number[] = [];
    const wholes: number[] = [];
    for (let i = 0; i < (quick ? 3 : 15); i++) {
      await page.goto('about:blank');
      const { first, all } = await firstRender(page, active);
      renders.push(first);
      wholes.push(all);
    }
    const firstScreenBytes = frames.firstScreens.at(-1) ?? Number.NaN;
    const restBytes = frames.rests.at(-1) ?? Number.NaN;
    const snapshotBytes = await wholeSnapshotBytes(page);

    progress(`dashboard: ${changes} single-run changes, database to screen`);
    const latencies: number[] = [];
    const patchBytesBefore = frames.patches.reduce((sum, size) => sum + size, 0);
    for (let i = 0; i < changes; i++) {
      const runId = probes[i % PROBES] as string;
      const done = Math.floor(i / PROBES) + 1;
      const key = `${path.basename(server.db.file, '.db')}/${runId}`;
      await page.evaluate(
        ({ key, done }) => {
          const row = document.querySelector(`[data-run-key="${key}"]`);
          const bar = row?.querySelector('[role="progressbar"]');
          if (!bar) throw new Error(`row ${key} is not on screen`);
          window.seen = new Promise((resolve) => {
            const observer = new MutationObserver(() => {
              const now = document.querySelector(`[data-run-key="${key}"] [role="progressbar"]`);
              if (now?.getAttribute('aria-valuenow') === String(done)) {
                observer.disconnect();
                resolve(Date.now());
              }
            });
            observer.observe(document.body, { subtree: true, attributes: true, childList: true });
          });
        },
        { key, done },
      );
      const written = Date.now();
      server.db.db.transaction(() => {
        server.db.setStep(runId, `step-${done}`, { status: 'succeeded' });
        server.db.setStep(runId, `step-${done + 1}`, { status: 'running' });
      })();
      const seen = await page.evaluate(() => window.seen);
      if (seen === undefined) throw new Error(`no watch on row ${key}`);
      latencies.push(seen - written);
    }
    // Let the last patch arrive before counting.
    await page.waitForTimeout(500);
    const patchBytes = frames.patches.reduce((sum, size) => sum + size, 0) - patchBytesBefore;
    return {
      runs,
      firstRenderMs: distribution(renders),
      allRunsMs: distribution(wholes),
      changeToScreenMs: distribution(latencies),
      bytes: {
        perChange: patchBytes / changes,
        firstScreen: firstScreenBytes,
        rest: restBytes,
        snapshot: snapshotBytes,
        changes,
      },
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

process.stdout.write(`${JSON.stringify(await benchDashboard(process.argv.includes('--quick')))}\n`);
