// An incident's timeline: its events in order, with who did what and when.

import { getJson } from './api.js';
import { element, eventLabel, localTime, RISK_LABELS } from './format.js';

/** The fields of an event's data worth a line on the timeline, in this order. */
const DETAIL_FIELDS = [
  'title',
  'severity',
  'from',
  'to',
  'category',
  'channel',
  'kind',
  'requestKind',
  'reason',
  'level',
  'message',
  'summary',
  'resolution',
  'workaround',
  'every',
  'code',
  'reference',
  'problemId',
  'reminder',
  'responseDueAt',
];

function details(data) {
  if (data === null || typeof data !== 'object') return '';
  return DETAIL_FIELDS.filter((field) => ['string', 'number'].includes(typeof data[field]))
    .map((field) => `${field}: ${field.endsWith('At') ? localTime(data[field]) : data[field]}`)
    .join(' · ');
}

function actorOf(metadata) {
  const actor = metadata?.actor;
  if (!actor) return 'unknown';
  return actor.role === 'system' ? 'engine (timer)' : `${actor.id} (${actor.role})`;
}

export function createTimeline(dialog) {
  const summary = dialog.querySelector('#timeline-summary');
  const list = dialog.querySelector('#timeline-events');
  const error = dialog.querySelector('#timeline-error');
  const title = dialog.querySelector('#timeline-title');
  let shown = null;

  dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => (shown = null));

  async function load(id) {
    try {
      const [incident, events] = await Promise.all([
        getJson(`/incidents/${encodeURIComponent(id)}`),
        getJson(`/incidents/${encodeURIComponent(id)}/events`),
      ]);
      if (shown !== id) return;
      title.textContent = `${incident.number} · ${incident.title}`;
      summary.textContent = [
        incident.customerId,
        incident.severity ? `S${incident.severity}` : 'service request',
        incident.status,
        `response ${RISK_LABELS[incident.responseSla] ?? incident.responseSla}`,
      ].join(' · ');
      error.textContent = '';
      list.replaceChildren(
        ...events.items.map((event) => {
          const li = element('li', 'event');
          li.dataset.type = event.type;
          const at = event.metadata?.occurredAt;
          const time = element('time', 'event-time', at ? localTime(at) : '');
          if (at) time.dateTime = at;
          li.append(
            time,
            element('span', 'event-type', eventLabel(event.type)),
            element('span', 'event-actor', actorOf(event.metadata)),
          );
          const text = details(event.data);
          if (text) li.append(element('span', 'event-details', text));
          return li;
        }),
      );
    } catch (failure) {
      if (shown === id) error.textContent = `The timeline could not be read: ${failure.message}`;
    }
  }

  return {
    open(id) {
      shown = id;
      title.textContent = 'Timeline';
      summary.textContent = '';
      list.replaceChildren();
      if (!dialog.open) dialog.showModal();
      return load(id);
    },
    /** Reloads the open timeline when a change concerns its incident. */
    changed(incidentId) {
      if (shown !== null && shown === incidentId) void load(incidentId);
    },
  };
}
