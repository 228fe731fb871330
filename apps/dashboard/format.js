// Display helpers: durations, instants and labels. Nothing here computes a business rule.

const pad = (value) => String(value).padStart(2, '0');

/** `2d 04h`, `1h 02m`, `4m 05s`, `12s` for a duration in milliseconds (sign ignored). */
export function shortDuration(ms) {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days}d ${pad(hours)}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(rest)}s`;
  return `${rest}s`;
}

/** The countdown to `deadline` at `now`: `in 4m 05s`, or `overdue 12s` once it has passed. */
export function countdown(deadline, now = Date.now()) {
  const left = Date.parse(deadline) - now;
  return left >= 0
    ? { text: `in ${shortDuration(left)}`, overdue: false }
    : { text: `overdue ${shortDuration(left)}`, overdue: true };
}

/** An instant in the viewer's time zone: `29 Nov, 14:05:09`. */
export function localTime(instant) {
  return new Date(instant).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** The response SLA state as words: colour is never the only sign of it. */
export const RISK_LABELS = {
  pending: 'pending',
  'at-risk': 'at risk',
  breached: 'breached',
  met: 'met',
};

/** `incident.response-sla-at-risk` -> `response SLA at risk`. */
export function eventLabel(type) {
  return type
    .replace(/^incident\./, '')
    .replace(/-/g, ' ')
    .replace(/\bsla\b/g, 'SLA');
}

export const planLabel = (plan) => (plan ? plan.charAt(0).toUpperCase() + plan.slice(1) : '');

/** A response time for the report: `40 s`, `42 min`, `3.5 h`, `2.1 d`. */
export function responseTime(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/** Creates an element with a class and text: the page never parses API text as HTML. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
