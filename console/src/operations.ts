import { attempt } from './alerts.js';
import { type Document, get, getText, write } from './api.js';
import { sparkline } from './charts.js';
import { byId, fill, h, table, timeText } from './dom.js';
import type { View } from './main.js';
import { CHARTS, parseMetrics } from './metrics.js';

interface LetterAttributes {
  readonly topic: string;
  readonly group: string;
  readonly value: string;
  readonly error: string;
  readonly attempts: number;
  readonly at: string;
}

interface ConsumerAttributes {
  readonly group: string;
  readonly topics: readonly string[];
  readonly live: boolean;
  readonly restarts: number;
  readonly partitions: readonly { lag: number | null }[];
}

interface LogAttributes {
  readonly level: string;
  readonly time: string;
  readonly msg?: string;
  readonly err?: { message?: string };
}

const SAMPLE_MS = 5_000;
const KEPT = 60;
let sampler: ReturnType<typeof setInterval> | undefined;
let previous: { at: number; values: Map<string, number> } | undefined;
const series = CHARTS.map(() => [] as number[]);

async function deadLetters(): Promise<HTMLElement> {
  const letters = await get<Document<LetterAttributes>>('/api/admin/dead-letters');
  if (letters.data.length === 0) return h('p', { class: 'muted' }, 'No dead letter for this tenant.');
  const act = (method: 'POST' | 'DELETE', path: string) => () =>
    void attempt(async () => {
      await write(method, path);
      await refresh();
    });
  return table(
    'Dead letters',
    ['Id', 'Topic', 'Group', 'Error', 'Attempts', 'At', 'Message', 'Actions'],
    letters.data.map(({ id, attributes: l }) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, id),
        h('td', {}, l.topic),
        h('td', {}, l.group),
        h('td', {}, l.error),
        h('td', {}, String(l.attempts)),
        h('td', {}, timeText(l.at)),
        h('td', {}, h('code', {}, l.value.slice(0, 200))),
        h(
          'td',
          {},
          h(
            'button',
            { type: 'button', onclick: act('POST', `/api/admin/dead-letters/${id}/retry`) },
            `Retry letter ${id}`,
          ),
          ' ',
          h(
            'button',
            { type: 'button', onclick: act('DELETE', `/api/admin/dead-letters/${id}`) },
            `Discard letter ${id}`,
          ),
        ),
      ),
    ),
  );
}

async function consumers(): Promise<HTMLElement> {
  const groups = await get<Document<ConsumerAttributes>>('/api/debug/consumers');
  return table(
    'Consumer groups',
    ['Group', 'Live', 'Restarts', 'Lag', 'Topics'],
    groups.data.map(({ attributes: c }) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, c.group),
        h('td', {}, c.live ? 'yes' : 'NO'),
        h('td', {}, String(c.restarts)),
        h('td', {}, String(c.partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0))),
        h('td', {}, c.topics.join(', ')),
      ),
    ),
  );
}

async function recentErrors(): Promise<HTMLElement> {
  const records = await get<Document<LogAttributes>>('/api/admin/errors');
  if (records.data.length === 0) return h('p', { class: 'muted' }, 'No warning or error logged.');
  return table(
    'Recent warnings and errors',
    ['Time', 'Level', 'Message'],
    records.data.map(({ attributes: r }) =>
      h(
        'tr',
        {},
        h('td', {}, timeText(r.time)),
        h('td', {}, r.level),
        h('td', {}, r.msg ?? '', r.err?.message ? `: ${r.err.message}` : ''),
      ),
    ),
  );
}

async function sample(): Promise<void> {
  const values = parseMetrics(await getText('/api/metrics'));
  const at = Date.now();
  CHARTS.forEach((chart, index) => {
    const value = chart.value(values, previous?.values, at - (previous?.at ?? at));
    if (value !== undefined) series[index]!.push(value);
    if (series[index]!.length > KEPT) series[index]!.shift();
  });
  previous = { at, values };
  const target = document.getElementById('metrics-charts');
  if (target)
    fill(target, ...CHARTS.map((chart, index) => sparkline(chart.title, series[index]!, chart.unit)));
}

async function refresh(): Promise<void> {
  const [letters, groups, errors] = await Promise.all([deadLetters(), consumers(), recentErrors()]);
  fill(
    byId('view-operations'),
    h('h2', { id: 'operations-heading' }, 'Operations'),
    h('p', {}, h('button', { type: 'button', onclick: () => void attempt(refresh) }, 'Refresh')),
    h('h3', {}, 'Key metrics (sampled every 5 s)'),
    h('div', { id: 'metrics-charts', class: 'sparks' }),
    h('h3', {}, 'Dead letters'),
    letters,
    h('h3', {}, 'Consumer health'),
    groups,
    h('h3', {}, 'Recent warnings and errors'),
    errors,
  );
  await sample();
}

export const operationsView: View = {
  name: 'operations',
  async show() {
    clearInterval(sampler);
    sampler = setInterval(() => void attempt(sample), SAMPLE_MS);
    await refresh();
  },
  hide() {
    clearInterval(sampler);
    sampler = undefined;
  },
};
