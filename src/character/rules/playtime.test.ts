import { describe, expect, it } from 'vitest';
import { formatPlaytime, overlapMs, playtimeMs, playtimeSeconds } from './playtime.js';

describe('overlapMs', () => {
  it.each([
    // [login, logout, start, end, overlap]
    [100, 200, 0, 1000, 100],
    [100, 200, 150, 1000, 50],
    [100, 200, 0, 150, 50],
    [100, 200, 120, 180, 60],
    [100, 200, 200, 300, 0],
    [100, 200, 300, 400, 0],
    [500, 600, 0, 400, 0],
    [100, null, 0, 1000, 900],
    [100, null, 300, 1000, 700],
    [2000, null, 0, 1000, 0],
  ])('session [%i, %s) in [%i, %i) → %i', (login, logout, start, end, overlap) => {
    expect(overlapMs(login, logout, start, end)).toBe(overlap);
  });
});

describe('playtimeMs', () => {
  it('sums the overlaps of closed and open sessions', () => {
    const sessions = [
      { loginMs: 0, logoutMs: 500 },
      { loginMs: 600, logoutMs: 700 },
      { loginMs: 900, logoutMs: null },
    ];
    expect(playtimeMs(sessions, 400, 1000)).toBe(100 + 100 + 100);
  });

  it('is 0 without sessions', () => {
    expect(playtimeMs([], 0, 1000)).toBe(0);
  });
});

describe('playtimeSeconds', () => {
  it.each([
    [0, 0],
    [999, 0],
    [1000, 1],
    [61_999, 61],
  ])('%i ms → %i s', (ms, seconds) => {
    expect(playtimeSeconds(ms)).toBe(seconds);
  });
});

describe('formatPlaytime', () => {
  it.each([
    [0, '00:00:00'],
    [59, '00:00:59'],
    [60, '00:01:00'],
    [3661, '01:01:01'],
    [86_399, '23:59:59'],
    [86_400, '24:00:00'],
    [90_061, '25:01:01'],
    [360_000, '100:00:00'],
    [59.9, '00:00:59'],
    [-5, '00:00:00'],
  ])('%i s → %s', (seconds, text) => {
    expect(formatPlaytime(seconds)).toBe(text);
  });
});
