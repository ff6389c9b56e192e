import { describe, expect, it } from 'vitest';
import { goTime, uuidV5 } from './saga.js';

describe('saga ids and times', () => {
  it('derives version-5 UUIDs as Go uuid.NewSHA1 does (RFC 4122 vector)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('writes times as Go marshals them: fraction without trailing zeros', () => {
    expect(goTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00Z');
    expect(goTime(Date.UTC(2026, 0, 1, 0, 0, 0, 120))).toBe('2026-01-01T00:00:00.12Z');
  });
});
