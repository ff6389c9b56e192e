import { h, svg } from './dom.js';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** What a screen reader says for the bar. */
  readonly description: string;
}

/** A bar chart whose every bar is an image with its own label, inside a labelled group. */
export function barChart(title: string, bars: readonly Bar[], height = 120): HTMLElement {
  const width = 24;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return h(
    'figure',
    {},
    svg(
      'svg',
      {
        class: 'chart',
        role: 'group',
        'aria-label': title,
        width: bars.length * width,
        height: height + 16,
        viewBox: `0 0 ${bars.length * width} ${height + 16}`,
      },
      ...bars.map((bar, index) => {
        const barHeight = (bar.value / max) * height;
        return svg(
          'g',
          {},
          svg(
            'rect',
            {
              role: 'img',
              'aria-label': bar.description,
              x: index * width + 3,
              y: height - barHeight,
              width: width - 6,
              height: Math.max(barHeight, bar.value > 0 ? 1 : 0),
            },
            svg('title', {}, bar.description),
          ),
          index % 5 === 0 ? svg('text', { x: index * width, y: height + 12 }, bar.label) : null,
        );
      }),
    ),
    h('figcaption', {}, title),
  );
}

/** A line of the last samples, labelled with the metric and its latest value. */
export function sparkline(title: string, values: readonly number[], unit: string): HTMLElement {
  const width = 160;
  const height = 36;
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values
    .map((value, index) => `${index * step},${height - ((value - min) / span) * height}`)
    .join(' ');
  const latest = values.at(-1);
  const text = latest === undefined ? 'no sample yet' : `${formatNumber(latest)}${unit ? ` ${unit}` : ''}`;
  return h(
    'figure',
    {},
    svg(
      'svg',
      {
        class: 'spark',
        role: 'img',
        'aria-label': `${title}: ${text}`,
        width,
        height,
        viewBox: `0 -2 ${width} ${height + 4}`,
      },
      svg('polyline', { points }),
    ),
    h('figcaption', {}, `${title}: ${text}`),
  );
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(1);
  return value.toPrecision(2);
}
