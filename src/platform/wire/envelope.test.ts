import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson } from './envelope.js';

describe('JSON envelope (encoding/json bytes)', () => {
  it('is compact, in field order, with no trailing newline', () => {
    const bytes = encodeJson({
      transactionId: '00000000-0000-0000-0000-000000000000',
      worldId: 0,
      characterId: 1,
      type: 'LOGIN',
      body: { channelId: 2, mapId: 100000000 },
    });
    expect(bytes.toString('utf8')).toBe(
      '{"transactionId":"00000000-0000-0000-0000-000000000000","worldId":0,"characterId":1,"type":"LOGIN","body":{"channelId":2,"mapId":100000000}}',
    );
    expect(bytes[bytes.length - 1]).toBe(0x7d);
  });

  it('escapes <, > and & as Go does, in lower-case hex', () => {
    expect(encodeJson({ name: '<a&b>' }).toString('utf8')).toBe('{"name":"\\u003ca\\u0026b\\u003e"}');
  });

  it.each([
    ['<', '\\u003c'],
    ['>', '\\u003e'],
    ['&', '\\u0026'],
    ['\u2028', '\\u2028'],
    ['\u2029', '\\u2029'],
  ])('escapes %j even when it is the only such character', (character, escaped) => {
    expect(encodeJson({ name: `a${character}b` }).toString('utf8')).toBe(`{"name":"a${escaped}b"}`);
  });

  it('escapes U+2028 and U+2029 as Go does', () => {
    expect(encodeJson('a\u2028b\u2029').toString('utf8')).toBe('"a\\u2028b\\u2029"');
  });

  it('writes other non-ASCII characters as UTF-8', () => {
    expect(encodeJson('é').equals(Buffer.from([0x22, 0xc3, 0xa9, 0x22]))).toBe(true);
  });

  it('decodes what it encodes', () => {
    const value = { a: [1, 'x<y'], b: null, c: true };
    expect(decodeJson(encodeJson(value))).toEqual(value);
  });

  it('throws on malformed JSON', () => {
    expect(() => decodeJson(Buffer.from('{"a":'))).toThrow(SyntaxError);
  });
});
