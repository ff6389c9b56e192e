import { describe, expect, it } from 'vitest';
import { rfc3339, rfc3339Seconds } from './documents.js';

const AT = Date.UTC(2026, 1, 18, 0, 15, 5);

describe('time formats', () => {
  it.each([
    [0, '2026-02-18T00:15:05Z'],
    [500, '2026-02-18T00:15:05.5Z'],
    [120, '2026-02-18T00:15:05.12Z'],
    [7, '2026-02-18T00:15:05.007Z'],
  ])('a time.Time in JSON (RFC3339Nano) drops trailing zeros: +%i ms is %s', (ms, text) => {
    expect(rfc3339(AT + ms)).toBe(text);
  });

  it.each([
    [0, '2026-02-18T00:15:05Z'],
    [999, '2026-02-18T00:15:05Z'],
  ])('Format(time.RFC3339) truncates to the second: +%i ms is %s', (ms, text) => {
    expect(rfc3339Seconds(AT + ms)).toBe(text);
  });
});
