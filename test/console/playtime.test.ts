import { describe, expect, it } from 'vitest';
import { CHARTS, parseMetrics } from '../../console/src/metrics.js';
import { dailyPlaytime } from '../../console/src/playtime.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 10, 12);
const iso = (ms: number) => new Date(ms).toISOString();

describe("the console's playtime per day", () => {
  it('gives 30 UTC days ending today, each with the time its sessions overlap it', () => {
    const today = Date.UTC(2026, 2, 10);
    const days = dailyPlaytime(
      [
        // 22:00 to 02:00 across midnight: 2 h on each day.
        { loginTime: iso(today - DAY - 2 * HOUR), logoutTime: iso(today - DAY + 2 * HOUR) },
        // Still online: counts up to now.
        { loginTime: iso(today + 10 * HOUR) },
        // Ended before the window: nothing.
        { loginTime: iso(today - 40 * DAY), logoutTime: iso(today - 39 * DAY) },
      ],
      NOW,
    );
    expect(days).toHaveLength(30);
    expect(days[0]!.day).toBe('2026-02-09');
    expect(days.at(-1)).toEqual({ day: '2026-03-10', ms: 2 * HOUR });
    expect(days.at(-2)).toEqual({ day: '2026-03-09', ms: 2 * HOUR });
    expect(days.at(-3)).toEqual({ day: '2026-03-08', ms: 2 * HOUR });
    expect(days.reduce((sum, day) => sum + day.ms, 0)).toBe(6 * HOUR);
  });

  it('clips a session that began before the window and ignores one logged out before it logged in', () => {
    const days = dailyPlaytime(
      [
        { loginTime: iso(NOW - 45 * DAY), logoutTime: iso(NOW - 29 * DAY) },
        { loginTime: iso(NOW - HOUR), logoutTime: iso(NOW - 2 * HOUR) },
      ],
      NOW,
    );
    expect(days[0]).toEqual({ day: '2026-02-09', ms: 12 * HOUR });
    expect(days.slice(1).every((day) => day.ms === 0)).toBe(true);
  });
});

describe("the console's metric samples", () => {
  it('sums each metric over its series and turns counters into rates', () => {
    const text = [
      '# HELP http_requests_total Requests',
      'http_requests_total{method="GET",route="/a",status="200"} 10',
      'http_requests_total{method="GET",route="/b",status="404"} 5',
      'process_resident_memory_bytes 52000000',
    ].join('\n');
    const before = parseMetrics(text);
    expect(before.get('http_requests_total')).toBe(15);
    const after = parseMetrics(text.replace(' 10', ' 40'));
    const requests = CHARTS.find((chart) => chart.title === 'HTTP requests')!;
    expect(requests.value(after, undefined, 0)).toBeUndefined();
    expect(requests.value(after, before, 5_000)).toBe(6);
    expect(CHARTS.find((chart) => chart.title === 'Dead letters held')!.value(after, before, 5_000)).toBe(0);
    expect(CHARTS.find((chart) => chart.title === 'Resident memory')!.value(after, before, 5_000)).toBe(52);
  });
});
