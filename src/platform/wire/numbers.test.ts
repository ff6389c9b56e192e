import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseBody, SkipMessage } from '../bus/consumer.js';
import { describeIssue, i8, i16, i32, u8, u16, u32, uuid } from './numbers.js';

describe('the Go integer widths', () => {
  it.each([
    ['u8', u8, 0, 255],
    ['u16', u16, 0, 65_535],
    ['u32', u32, 0, 4_294_967_295],
    ['i8', i8, -128, 127],
    ['i16', i16, -32_768, 32_767],
    ['i32', i32, -2_147_483_648, 2_147_483_647],
  ])('%s accepts its range and refuses one past each end and fractions', (_, schema, min, max) => {
    expect(schema.parse(min)).toBe(min);
    expect(schema.parse(max)).toBe(max);
    expect(schema.safeParse(min - 1).success).toBe(false);
    expect(schema.safeParse(max + 1).success).toBe(false);
    expect(schema.safeParse(1.5).success).toBe(false);
    expect(schema.safeParse('1').success).toBe(false);
  });

  it('reads a UUID of any version lower-cased, as Go does', () => {
    expect(uuid.parse('083839C6-C47C-42A6-9585-76492795D123')).toBe('083839c6-c47c-42a6-9585-76492795d123');
    expect(uuid.parse('00000000-0000-0000-0000-000000000000')).toBe('00000000-0000-0000-0000-000000000000');
    expect(uuid.safeParse('not-a-uuid').success).toBe(false);
  });

  it('describes the first problem with its path', () => {
    const result = z.object({ body: z.object({ mapId: u32 }) }).safeParse({ body: { mapId: -1 } });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(describeIssue(result.error)).toBe('body.mapId: must be an integer from 0 to 4294967295');
  });
});

describe('parseBody', () => {
  const schema = z.object({ worldId: u8 });

  it('returns the typed value of a handled type', () => {
    expect(parseBody(schema, { worldId: 3, extra: true }, 'LOGIN')).toEqual({ worldId: 3 });
  });

  it('skips a handled type whose shape does not parse, naming the type and the field', () => {
    expect(() => parseBody(schema, { worldId: 256 }, 'LOGIN')).toThrow(SkipMessage);
    expect(() => parseBody(schema, { worldId: 256 }, 'LOGIN')).toThrow(
      'LOGIN worldId: must be an integer from 0 to 255',
    );
  });
});
