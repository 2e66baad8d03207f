/**
 * The plain page of `runwatch serve`, until the dashboard replaces it: the active runs and the
 * latest finished runs, kept current by what `/api` pushes. Plain browser JavaScript with no
 * build step; it speaks the socket protocol of electron/core/serve/socket-protocol.ts.
 */

const FINISHED_LIMIT = 20;
const ALERTS_SHOWN = 10;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 15_000;
/** Runs finish in bursts: one reload of the finished list after the burst. */
const FINISHED_SETTLE_MS = 300;

const byId = (id) => document.getElementById(id);

let socket = null;
let nextId = 1;
/** Requests waiting for their reply, by id. */
const waiting = new Map();
let retryMs = RETRY_FIRST_MS;

let snapshot = null;
/** True while a snapshot is asked for: patches wait in `held` until it comes. */
let snapshotAsked = false;
let held = [];
let finished = [];
let finishedTimer = null;
const alerts = [];

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}/api`);
  socket = ws;
  showConnection('Connecting…');
  ws.addEventListener('open', () => {
    retryMs = RETRY_FIRST_MS;
    showConnection('Live.');
    byId('problem').hidden = true;
    // A restarted server counts its sequence afresh: only its own snapshot applies.
    snapshot = null;
    askSnapshot();
    loadFinished();
  });
  ws.addEventListener('message', (event) => receive(event.data));
  ws.addEventListener('close', () => {
    for (const { reject } of waiting.values()) reject(new Error('the connection closed'));
    waiting.clear();
    showConnection(
      `Disconnected; trying again in ${Math.round(retryMs / 1000)} s. If this lasts, the ` +
        'server has stopped or this browser is no longer signed in: open the URL that ' +
        '`runwatch serve` printed.',
    );
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  });
}

/** Sends one request; resolves with its result, rejects with the error the server gave. */
function request(name, params = {}) {
  return new Promise((resolve, reject) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      reject(new Error('not connected'));
      return;
    }
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, request: { name, params } }));
  });
}

function receive(data) {
  let message;
  try {
    message = JSON.parse(data);
  } catch {
    return;
  }
  if (message.push) {
    onPush(message.push);
    return;
  }
  const pending = waiting.get(message.id);
  if (!pending) {
    if (message.reply && !message.reply.ok) showProblem(message.reply.error.message);
    return;
  }
  waiting.delete(message.id);
  if (message.reply.ok) pending.resolve(message.reply.result);
  else pending.reject(new Error(message.reply.error.message));
}

function onPush(push) {
  if (push.type === 'snapshot') takeSnapshot(push.snapshot);
  else if (push.type === 'patch') onPatch(push.patch);
  else if (push.type === 'alert') onAlert(push);
}

async function askSnapshot() {
  if (snapshotAsked) return;
  snapshotAsked = true;
  held = [];
  try {
    const next = await request('snapshot');
    snapshotAsked = false;
    takeSnapshot(next);
  } catch (error) {
    snapshotAsked = false;
    showProblem(`Could not load the runs: ${error.message}`);
  }
}

/** A newer snapshot replaces the state; patches held meanwhile then apply in order. */
function takeSnapshot(next) {
  if (!snapshot || next.seq >= snapshot.seq) snapshot = next;
  const queued = held.sort((a, b) => a.seq - b.seq);
  held = [];
  for (const patch of queued) {
    if (!applyInOrder(patch)) {
      askSnapshot();
      break;
    }
  }
  render();
}

function onPatch(patch) {
  if (snapshotAsked || !snapshot) {
    held.push(patch);
    return;
  }
  if (!applyInOrder(patch)) {
    askSnapshot();
    return;
  }
  render();
}

/** Applies the next patch; an old one is ignored; false on a gap (a patch was missed). */
function applyInOrder(patch) {
  if (patch.seq <= snapshot.seq) return true;
  if (patch.seq !== snapshot.seq + 1) return false;
  snapshot.seq = patch.seq;
  snapshot.at = patch.at;
  if (patch.sources) snapshot.sources = patch.sources;
  if (patch.attention) snapshot.attention = patch.attention;
  if (patch.alerts) snapshot.alerts = patch.alerts;
  if (patch.notifications_paused_until !== undefined) {
    snapshot.notifications_paused_until = patch.notifications_paused_until;
  }
  if (patch.runs) {
    const runs = new Map(snapshot.runs.map((run) => [runKey(run), run]));
    for (const gone of patch.runs.remove) runs.delete(runKey(gone));
    for (const run of patch.runs.upsert) runs.set(runKey(run), run);
    snapshot.runs = [...runs.values()];
    // A run that leaves the active list has usually just finished.
    if (patch.runs.remove.length > 0) loadFinishedSoon();
  }
  return true;
}

function runKey(run) {
  return `${run.source}\u0000${run.run_id}`;
}

async function loadFinished() {
  try {
    const page = await request('finishedRuns', { limit: FINISHED_LIMIT });
    finished = page.items;
    render();
  } catch (error) {
    showProblem(`Could not load the finished runs: ${error.message}`);
  }
}

function loadFinishedSoon() {
  clearTimeout(finishedTimer);
  finishedTimer = setTimeout(loadFinished, FINISHED_SETTLE_MS);
}

function onAlert(alert) {
  alerts.unshift(alert);
  alerts.length = Math.min(alerts.length, ALERTS_SHOWN);
  render();
}

/** `serve` cannot open a folder on this machine: it answers with a download instead. */
async function fetchRunFile(run, file) {
  try {
    const result = await request('showRunFile', {
      source: run.source,
      run_id: run.run_id,
      attempt: run.attempt,
      file,
    });
    if (result.download) location.assign(result.download);
  } catch (error) {
    showProblem(`Could not get the ${file}: ${error.message}`);
  }
}

// ---------------------------------------------------------------- drawing

function render() {
  if (snapshot) {
    renderSources(snapshot.sources);
    renderAttention(snapshot.attention);
    renderActive(snapshot.runs);
  }
  renderFinished(finished);
  renderAlerts();
}

function renderSources(sources) {
  const line = byId('sources');
  line.replaceChildren();
  sources.forEach((source, index) => {
    if (index > 0) line.append(' · ');
    line.append(`${source.name}: `, span(source.state, source.state));
    if (source.error) line.append(` (${source.error})`);
  });
}

function renderAttention(items) {
  byId('attention-section').hidden = items.length === 0;
  byId('attention').replaceChildren(
    ...items.map((item) =>
      element(
        'li',
        span(item.kind, item.kind),
        ` ${item.pipeline} ${item.run_id}${item.attempt > 1 ? ` (attempt ${item.attempt})` : ''}`,
        ` since ${when(item.since)}`,
      ),
    ),
  );
}

function renderActive(runs) {
  const sorted = [...runs].sort(
    (a, b) =>
      (b.started_at ?? '').localeCompare(a.started_at ?? '') || a.run_id.localeCompare(b.run_id),
  );
  showTable('active', sorted.length > 0);
  byId('active').replaceChildren(
    ...sorted.map((run) =>
      element(
        'tr',
        element('td', run.pipeline),
        element('td', run.run_id + (run.attempt > 1 ? ` (attempt ${run.attempt})` : '')),
        element('td', runState(run)),
        element('td', `${run.steps_done}/${run.steps_total}`),
        element('td', run.current_step ?? ''),
        element('td', seconds(run.elapsed_s)),
        element('td', seconds(run.idle_s)),
      ),
    ),
  );
}

function runState(run) {
  if (run.stalled_since) return span('STALLED', 'stalled');
  if (run.overdue_since) return span('OVERDUE', 'overdue');
  if (run.stale) return span(`${run.status} (stale)`, 'stale');
  return span(run.status, run.status);
}

function renderFinished(runs) {
  showTable('finished', runs.length > 0);
  byId('finished').replaceChildren(
    ...runs.map((run) =>
      element(
        'tr',
        element('td', run.pipeline),
        element('td', run.run_id + (run.attempt > 1 ? ` (attempt ${run.attempt})` : '')),
        element('td', span(run.outcome, run.outcome)),
        element('td', run.finished_at ? when(run.finished_at) : ''),
        element('td', seconds(run.duration_s)),
        element('td', `${run.steps_failed} of ${run.steps_total}`),
        element('td', ...runFiles(run)),
      ),
    ),
  );
}

function runFiles(run) {
  const files = [];
  if (run.archive) files.push(button('zip', () => fetchRunFile(run, 'zip')));
  if (run.report) files.push(button('report', () => fetchRunFile(run, 'report')));
  if (run.archive_error) files.push(span(`archive failed: ${run.archive_error}`, 'failed'));
  return files;
}

function renderAlerts() {
  byId('alerts-section').hidden = alerts.length === 0;
  byId('alerts').replaceChildren(
    ...alerts.map((alert) =>
      element(
        'li',
        span(alert.severity, alert.severity),
        ` ${alert.source}: ${alert.title}`,
        alert.run_id ? ` (${alert.run_id})` : '',
      ),
    ),
  );
}

function showTable(name, rows) {
  byId(`${name}-table`).hidden = !rows;
  byId(`${name}-empty`).hidden = rows;
}

function showConnection(text) {
  byId('connection').textContent = text;
}

function showProblem(text) {
  const problem = byId('problem');
  problem.textContent = text;
  problem.hidden = false;
}

/** Text goes in as text nodes only: run ids and errors come from the watched database. */
function element(tag, ...children) {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}

function span(text, className) {
  const node = element('span', text);
  node.className = className;
  return node;
}

function button(text, onClick) {
  const node = element('button', text);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

function when(iso) {
  return new Date(iso).toLocaleString();
}

function seconds(value) {
  if (value === null || value === undefined) return '';
  const total = Math.round(value);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

connect();
