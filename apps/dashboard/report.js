// The SLA report for a period: a bar chart of achievement % per plan and severity, and its table.

import { getJson, queryString } from './api.js';
import { element, planLabel, responseTime } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAY_MS = 86_400_000;

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The default period: the last 30 days, today included. */
export function defaultPeriod(now = Date.now()) {
  return { from: isoDate(now - 29 * DAY_MS), to: isoDate(now) };
}

/** `{ from: '2026-11-01', to: '2026-11-30' }` (UTC days, both included) -> the API's instants. */
export function periodInstants({ from, to }) {
  return {
    from: `${from}T00:00:00.000Z`,
    to: new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS).toISOString(),
  };
}

const label = (line) => `${planLabel(line.plan)} S${line.severity}`;

/** Inline SVG: one bar per plan and severity, its achievement % written on it. */
export function chart(items) {
  const width = Math.max(360, 40 + items.length * 110);
  const height = 260;
  const top = 24;
  const bottom = 40;
  const left = 44;
  const plot = height - top - bottom;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-labelledby': 'report-chart-title',
    class: 'bars',
  });
  root.append(
    svg('title', { id: 'report-chart-title' }, 'Response SLA achievement per plan and severity'),
  );
  for (const pct of [0, 50, 90, 100]) {
    const y = top + plot * (1 - pct / 100);
    root.append(
      svg('line', { x1: left, x2: width - 8, y1: y, y2: y, class: pct === 0 ? 'axis' : 'grid' }),
      svg('text', { x: left - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, `${pct}%`),
    );
  }
  items.forEach((line, index) => {
    const x = left + 16 + index * 110;
    const pct = line.achievementPct;
    const group = svg('g', { class: `bar plan-${line.plan}`, 'data-line': label(line) });
    if (pct === null) {
      group.append(
        svg('rect', { x, y: top + plot - 4, width: 70, height: 4, class: 'none' }),
        svg(
          'text',
          { x: x + 35, y: top + plot - 10, class: 'value', 'text-anchor': 'middle' },
          'n/a',
        ),
      );
    } else {
      const barHeight = Math.max(2, (plot * pct) / 100);
      group.append(
        svg('rect', { x, y: top + plot - barHeight, width: 70, height: barHeight }),
        svg(
          'text',
          { x: x + 35, y: top + plot - barHeight - 6, class: 'value', 'text-anchor': 'middle' },
          `${pct}%`,
        ),
      );
    }
    group.append(
      svg(
        'text',
        { x: x + 35, y: height - bottom + 18, class: 'label', 'text-anchor': 'middle' },
        label(line),
      ),
      svg(
        'title',
        {},
        `${label(line)}: ${pct === null ? 'no clock met or breached' : `${pct}%`}, ${line.met} met, ${line.breached} breached`,
      ),
    );
    root.append(group);
  });
  return root;
}

function tableRows(report) {
  const rows = report.items.map((line) => {
    const tr = element('tr');
    tr.append(
      element('td', '', planLabel(line.plan)),
      element('td', '', `S${line.severity}`),
      element('td', 'num', line.count),
      element('td', 'num', line.met),
      element('td', 'num', line.breached),
      element('td', 'num', line.achievementPct === null ? '–' : `${line.achievementPct}%`),
      element('td', 'num', responseTime(line.medianResponseMs)),
      element('td', 'num', responseTime(line.p90ResponseMs)),
    );
    return tr;
  });
  if (rows.length === 0) {
    const tr = element('tr');
    const td = element('td', 'empty', 'No response clock ended in this period.');
    td.colSpan = 8;
    tr.append(td);
    rows.push(tr);
  }
  return rows;
}

export function createReport(form, chartBox, table, error) {
  let period = defaultPeriod();
  form.elements.namedItem('from').value = period.from;
  form.elements.namedItem('to').value = period.to;

  async function load() {
    const { from, to } = periodInstants(period);
    try {
      const report = await getJson(`/reports/sla?${queryString({ from, to })}`);
      chartBox.replaceChildren(
        report.items.length > 0
          ? chart(report.items)
          : element('p', 'empty', 'Nothing to chart yet.'),
      );
      table.tBodies[0].replaceChildren(...tableRows(report));
      error.textContent = '';
    } catch (failure) {
      error.textContent = `The report could not be read: ${failure.message}`;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const from = form.elements.namedItem('from').value;
    const to = form.elements.namedItem('to').value;
    if (!from || !to || from > to) {
      error.textContent = 'Choose a start day on or before the end day.';
      return;
    }
    period = { from, to };
    void load();
  });

  return { load };
}
