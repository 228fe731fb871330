// The four queues: rows with a countdown to each incident's next deadline and its SLA risk.

import { countdown, element, localTime, planLabel, RISK_LABELS } from './format.js';

export const QUEUES = [
  { name: 'vendor', path: '/queues/vendor' },
  { name: 'awaiting-customer', path: '/queues/awaiting-customer' },
  { name: 'escalations', path: '/queues/escalations' },
  { name: 'at-risk', path: '/queues/at-risk', params: { within: 'PT4H' } },
];

const same = (a, b) => a !== null && b !== null && Date.parse(a) === Date.parse(b);

const earliest = (...instants) =>
  instants
    .filter((value) => value !== null && value !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;

/**
 * The deadline a row counts down to: in the at-risk queue what the vendor owes (the unanswered
 * response or the next status report), as that queue is ordered; elsewhere the nearest of the next
 * deadline and anything the vendor already owes past its time (a breached response still
 * unanswered, a status report recorded overdue), so an overdue duty never shows as "no deadline".
 */
export function deadlineOf(item, queue) {
  const unanswered = item.respondedAt === null ? item.responseDueAt : null;
  if (queue === 'at-risk') return earliest(unanswered, item.statusReportDueAt);
  return earliest(item.nextDeadline, unanswered, item.statusReportDueAt);
}

function deadlineKind(item, deadline) {
  if (item.respondedAt === null && same(deadline, item.responseDueAt)) return 'response';
  if (same(deadline, item.customerSideDeadline)) return 'customer reply';
  if (same(deadline, item.statusReportDueAt)) return 'status report';
  return 'deadline';
}

function row(item, queue) {
  const li = element('li', 'incident');
  li.dataset.id = item.id;
  li.dataset.risk = item.responseSla;
  const button = element('button', 'incident-open');
  button.type = 'button';
  button.setAttribute('aria-haspopup', 'dialog');

  const risk = element('span', 'risk', RISK_LABELS[item.responseSla] ?? item.responseSla);
  risk.title = `Response SLA: ${risk.textContent}`;
  const head = element('span', 'incident-head');
  head.append(
    element('span', 'number', item.number),
    element(
      'span',
      `severity severity-${item.severity ?? 'none'}`,
      item.severity ? `S${item.severity}` : 'SR',
    ),
    risk,
  );
  const meta = [
    item.customerId,
    planLabel(item.plan),
    item.side === 'customer' ? 'customer side' : 'vendor side',
  ];
  if (item.escalationLevel > 0) meta.push(`escalation L${item.escalationLevel}`);

  const deadline = deadlineOf(item, queue);
  const due = element('span', 'deadline');
  if (deadline === null) due.append(element('span', 'deadline-kind', 'no deadline'));
  else {
    const kind = deadlineKind(item, deadline);
    // Only the response clock has a risk state: the others are plain until overdue.
    const time = element('time', kind === 'response' ? 'countdown response' : 'countdown');
    time.dateTime = deadline;
    time.title = localTime(deadline);
    due.append(element('span', 'deadline-kind', `${kind} due`), ' ', time);
  }
  button.append(
    head,
    element('span', 'title', item.title),
    element('span', 'meta', meta.join(' · ')),
    due,
  );
  li.append(button);
  return li;
}

/** Renders one queue's answer into its section. */
export function renderQueue(section, queue, page) {
  const list = section.querySelector('[data-list]');
  const rows = page.items.map((item) => row(item, queue));
  if (page.nextCursor) {
    const more = element('li', 'more', 'More incidents than shown: narrow the filters.');
    rows.push(more);
  }
  list.replaceChildren(...rows);
  section.querySelector('[data-count]').textContent = page.nextCursor
    ? `${page.items.length}+`
    : String(page.items.length);
  section.querySelector('[data-empty]').hidden = page.items.length > 0;
  section.removeAttribute('data-error');
  tickCountdowns(section);
}

export function renderQueueError(section, message) {
  section.dataset.error = message;
}

/** Updates every countdown under `root` to the current second. */
export function tickCountdowns(root, now = Date.now()) {
  for (const time of root.querySelectorAll('time.countdown')) {
    const { text, overdue } = countdown(time.dateTime, now);
    if (time.textContent !== text) time.textContent = text;
    time.classList.toggle('overdue', overdue);
  }
}
