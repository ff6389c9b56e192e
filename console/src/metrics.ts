/** The few numbers the operations view charts, read from the Prometheus text of /api/metrics. */

/** Each metric's value summed over its series (labels dropped). */
export function parseMetrics(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[2]);
    if (Number.isFinite(value)) sums.set(match[1]!, (sums.get(match[1]!) ?? 0) + value);
  }
  return sums;
}

export interface Chart {
  readonly title: string;
  readonly unit: string;
  /** From two samples `elapsedMs` apart; `previous` is absent for the first sample. */
  value(
    current: Map<string, number>,
    previous: Map<string, number> | undefined,
    elapsedMs: number,
  ): number | undefined;
}

const rate =
  (metric: string) =>
  (current: Map<string, number>, previous: Map<string, number> | undefined, elapsedMs: number) =>
    previous === undefined || elapsedMs <= 0
      ? undefined
      : Math.max(0, ((current.get(metric) ?? 0) - (previous.get(metric) ?? 0)) / (elapsedMs / 1000));

/** A gauge without any series (no dead letter of any topic) reads 0. */
const gauge = (metric: string, scale: number) => (current: Map<string, number>) =>
  (current.get(metric) ?? 0) * scale;

export const CHARTS: readonly Chart[] = [
  { title: 'HTTP requests', unit: '/s', value: rate('http_requests_total') },
  { title: 'Bus messages handled', unit: '/s', value: rate('bus_messages_handled_total') },
  { title: 'Bus messages failed', unit: '/s', value: rate('bus_messages_failed_total') },
  { title: 'Dead letters held', unit: '', value: gauge('bus_dead_letters', 1) },
  { title: 'Resident memory', unit: 'MB', value: gauge('process_resident_memory_bytes', 1e-6) },
  { title: 'Event loop lag', unit: 'ms', value: gauge('nodejs_eventloop_lag_seconds', 1000) },
];
