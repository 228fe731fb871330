// The operations dashboard: asks for a token once, reads the queues, follows /stream.

import { ApiError, getJson, queryString, tokenStore } from './api.js';
import { INCIDENT_EVENT_TYPES } from './event-types.js';
import { apiParams, fillForm, filterFromUrl, filterToUrl, readForm } from './filters.js';
import { localTime } from './format.js';
import { followStream } from './live.js';
import { QUEUES, renderQueue, renderQueueError, tickCountdowns } from './queues.js';
import { createReport } from './report.js';
import { createTimeline } from './timeline.js';

const REFRESH_DEBOUNCE_MS = 200;
const REPORT_DEBOUNCE_MS = 5_000;
/** The at-risk horizon moves with the clock, not only with events: re-read this often anyway. */
const PERIODIC_REFRESH_MS = 30_000;
const PAGE_SIZE = 200;

const $ = (selector) => document.querySelector(selector);
const body = document.body;
const board = $('#board');
const signIn = $('#sign-in');
const tokenForm = $('#token-form');
const tokenError = $('#token-error');
const connection = $('#connection');
const filtersForm = $('#filters');
const timeline = createTimeline($('#timeline'));
const report = createReport(
  $('#report-form'),
  $('#report-chart'),
  $('#report-table'),
  $('#report-error'),
);

let filter = filterFromUrl();
let stream = null;
let refreshTimer = null;
let reportTimer = null;
let periodic = null;
let generation = 0;
let lastRead = null;

// --- sign-in -------------------------------------------------------------------------------

function showSignIn(message = '') {
  stop();
  tokenStore.clear();
  board.hidden = true;
  $('#sign-out').hidden = true;
  signIn.hidden = false;
  tokenError.textContent = message;
  body.dataset.connection = 'idle';
  connection.textContent = 'Not connected';
  $('#token').focus();
}

/** Why a token cannot drive the dashboard, or null when it can. */
async function tokenProblem(token) {
  try {
    await getJson('/queues/vendor?limit=1', token);
    return null;
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 401)
      return 'The engine refused this token: it is expired or not signed with its key.';
    if (failure instanceof ApiError && failure.status === 403)
      return "This token's role may not read the queues: use ops or a vendor role.";
    if (failure instanceof ApiError) return failure.message;
    return 'The engine does not answer. Try again in a moment.';
  }
}

tokenForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = tokenForm.elements.namedItem('token').value.trim();
  tokenError.textContent = 'Checking…';
  const problem = await tokenProblem(token);
  if (problem !== null) {
    tokenError.textContent = problem;
    return;
  }
  tokenStore.set(token);
  tokenForm.reset();
  start();
});

$('#sign-out').addEventListener('click', () => showSignIn());

// --- data ----------------------------------------------------------------------------------

async function refresh() {
  const current = (generation += 1);
  const params = apiParams(filter);
  const results = await Promise.allSettled(
    QUEUES.map((queue) =>
      getJson(`${queue.path}?${queryString({ ...queue.params, ...params, limit: PAGE_SIZE })}`),
    ),
  );
  if (current !== generation) return; // a newer read is under way
  let unauthorized = false;
  results.forEach((result, index) => {
    const queue = QUEUES[index];
    const section = document.querySelector(`[data-queue="${queue.name}"]`);
    if (result.status === 'fulfilled') renderQueue(section, queue.name, result.value);
    else {
      if (result.reason instanceof ApiError && result.reason.status === 401) unauthorized = true;
      renderQueueError(section, `Not updated: ${result.reason.message}`);
    }
  });
  if (unauthorized) {
    showSignIn('The engine no longer accepts the token (expired?). Paste a new one.');
    return;
  }
  if (results.every((result) => result.status === 'fulfilled')) {
    lastRead = Date.now();
    board.dataset.readAt = new Date(lastRead).toISOString();
  }
}

function refreshSoon() {
  if (refreshTimer !== null) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refresh();
  }, REFRESH_DEBOUNCE_MS);
}

function reportSoon() {
  if (reportTimer !== null) return;
  reportTimer = setTimeout(() => {
    reportTimer = null;
    void report.load();
  }, REPORT_DEBOUNCE_MS);
}

// --- filters -------------------------------------------------------------------------------

function applyFilter() {
  filter = readForm(filtersForm);
  filterToUrl(filter);
  void refresh();
}

filtersForm.addEventListener('change', applyFilter);
let typing = null;
filtersForm.addEventListener('input', (event) => {
  if (event.target.name !== 'customer') return;
  clearTimeout(typing);
  typing = setTimeout(applyFilter, 400);
});
filtersForm.addEventListener('submit', (event) => {
  event.preventDefault();
  applyFilter();
});
$('#clear-filters').addEventListener('click', () => {
  filtersForm.reset();
  applyFilter();
});

// --- live stream ---------------------------------------------------------------------------

function showConnection(status) {
  body.dataset.connection = status.state;
  if (status.state === 'live') connection.textContent = 'Live';
  else if (status.state === 'connecting') connection.textContent = 'Connecting…';
  else {
    const since = lastRead === null ? '' : ` Figures as of ${localTime(lastRead)}.`;
    const retry =
      status.retryAt === undefined
        ? 'reconnecting now'
        : `reconnecting in ${Math.max(1, Math.round((status.retryAt - Date.now()) / 1000))} s`;
    connection.textContent = `Connection lost: ${retry} (attempt ${status.attempt}).${since}`;
  }
}

function startStream() {
  stream = followStream({
    url: () => `/stream?${queryString({ access_token: tokenStore.get() })}`,
    types: INCIDENT_EVENT_TYPES,
    onOpen: () => {
      void refresh();
      reportSoon();
    },
    onChange: (change) => {
      refreshSoon();
      reportSoon();
      timeline.changed(change.incidentId);
    },
    onState: showConnection,
    // Before a retry: a refused token will not come back by retrying; anything else might.
    probe: async () => {
      const problem = await tokenProblem(tokenStore.get());
      if (problem !== null && problem.startsWith('The engine refused')) {
        showSignIn('The engine no longer accepts the token (expired?). Paste a new one.');
        return false;
      }
      return true;
    },
  });
}

// --- start ---------------------------------------------------------------------------------

function stop() {
  stream?.stop();
  stream = null;
  clearInterval(periodic);
  periodic = null;
}

function start() {
  signIn.hidden = true;
  board.hidden = false;
  $('#sign-out').hidden = false;
  fillForm(filtersForm, filter);
  filter = readForm(filtersForm);
  filterToUrl(filter);
  void refresh();
  void report.load();
  startStream();
  periodic = setInterval(() => void refresh(), PERIODIC_REFRESH_MS);
}

document.querySelector('.queues').addEventListener('click', (event) => {
  const item = event.target.closest('li.incident');
  if (item) void timeline.open(item.dataset.id);
});

setInterval(() => {
  tickCountdowns(board);
  $('#now').textContent = localTime(Date.now());
}, 1000);
$('#now').textContent = localTime(Date.now());

if (tokenStore.get()) start();
else showSignIn();
