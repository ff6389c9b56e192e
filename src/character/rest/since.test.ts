import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../../platform/rfc3339.js';
import { parseSince } from './schemas.js';

const NOW = Date.UTC(2026, 1, 18, 12);

describe('parseSince', () => {
  it('reads Unix seconds, signed as Go ParseInt allows', () => {
    expect(parseSince({ since: '1771416000' }, NOW)).toBe(1_771_416_000_000);
    expect(parseSince({ since: '+60' }, NOW)).toBe(60_000);
  });

  it('means the last 24 hours when absent or empty', () => {
    expect(parseSince({}, NOW)).toBe(NOW - 86_400_000);
    expect(parseSince({ since: '' }, NOW)).toBe(NOW - 86_400_000);
  });

  it.each(['yesterday', '1.5', '2026-02-30T00:00:00Z', '2026-02-18T24:00:00Z', '2026-02-18t00:00:00z'])(
    'refuses %s with a 400 naming since',
    (since) => {
      expect(() => parseSince({ since }, NOW)).toThrow(/since/);
    },
  );
});

describe('parseRfc3339 (Go time.RFC3339 parsing)', () => {
  it.each([
    ['2026-02-18T15:04:05Z', Date.UTC(2026, 1, 18, 15, 4, 5)],
    ['2026-02-18T15:04:05.123456789Z', Date.UTC(2026, 1, 18, 15, 4, 5, 123)],
    ['2026-02-18T15:04:05.5+01:30', Date.UTC(2026, 1, 18, 13, 34, 5, 500)],
    ['2026-02-18T15:04:05-02:00', Date.UTC(2026, 1, 18, 17, 4, 5)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0050-01-01T00:00:00Z', -60_589_296_000_000],
  ])('reads %s', (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-02-00T00:00:00Z',
    '2026-02-18T24:00:00Z',
    '2026-02-18T23:60:00Z',
    '2026-02-18T23:59:60Z',
    '2026-02-18T23:59:59+25:00',
    '2026-02-18T23:59:59.Z',
    '2026-02-18 23:59:59Z',
  ])('refuses %s', (text) => {
    expect(parseRfc3339(text)).toBeNaN();
  });
});
