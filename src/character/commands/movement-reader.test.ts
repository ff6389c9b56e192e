import { describe, expect, it } from 'vitest';
import { isMovement } from './movement.js';
import { readMovement } from './movement-reader.js';

/** What the handler decides from JSON.parse: refused, or the five fields it stores. */
function byJsonParse(bytes: Buffer): string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'refused (json)';
  }
  return decided(value);
}

function decided(value: unknown): string {
  if (!isMovement(value)) return 'refused';
  const { objectId, x, y, fh, stance } = value;
  return JSON.stringify([Object.is(objectId, -0) ? '-0' : objectId, x, y, fh ?? 0, stance]);
}

/** A deterministic generator, so that a failure can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

const VALUES = [
  '0',
  '-0',
  '1',
  '-1',
  '7',
  '255',
  '256',
  '32767',
  '32768',
  '-32768',
  '-32769',
  '4294967295',
  '4294967296',
  '123456789012345',
  '1234567890123456',
  // Past 15 digits, adding up digit by digit can round apart from JSON.parse: the reader must leave these.
  '99999999999999999',
  '18014398509481993',
  '123456789012345678',
  '00',
  '01',
  '-',
  '1.0',
  '1.5',
  '1e2',
  '1E2',
  '-1e0',
  '"x"',
  '""',
  '"\\u0031"',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  '[1]',
  '{"a":1}',
  ' 1',
  '1 ',
  '"é"',
  '"a\\"b"',
  'nul',
  'tru',
  '+1',
  '.5',
];
const KEYS = [
  'worldId',
  'channelId',
  'mapId',
  'instance',
  'objectId',
  'observerId',
  'x',
  'y',
  'fh',
  'stance',
  'X',
  'obj\\u0065ctId',
  '',
  'stanc',
  'objectIds',
];

function canonical(i: number, objectId: number): string {
  return JSON.stringify({
    worldId: 0,
    channelId: 1,
    mapId: 100000000,
    instance: '00000000-0000-0000-0000-000000000000',
    objectId,
    observerId: objectId,
    x: i % 1000,
    y: -(i % 500),
    stance: i % 8,
  });
}

describe('the movement reader decides as JSON.parse and the check do', () => {
  it('reads the form producers write, fh or not', () => {
    for (const text of [
      canonical(5, 12),
      canonical(999, 4294967295),
      '{"objectId":1,"x":-32768,"y":32767,"fh":-3,"stance":255}',
    ])
      expect(readMovement(Buffer.from(text))).toBeDefined();
    expect(decided(readMovement(Buffer.from('{"objectId":1,"x":2,"y":3,"fh":4,"stance":5}')))).toBe(
      '[1,2,3,4,5]',
    );
  });

  it('agrees on the object id of every value in the list, where only its value decides', () => {
    // The generated messages are mostly refused for another field, which would hide a wrongly read number.
    for (const value of VALUES) {
      const bytes = Buffer.from(`{"objectId":${value},"x":1,"y":2,"stance":3}`);
      const fast = readMovement(bytes);
      if (fast !== undefined) expect(decided(fast), bytes.toString()).toBe(byJsonParse(bytes));
    }
  });

  it('agrees on every message it reads, over 100,000 generated and mutated ones', () => {
    const g = generator(20261201);
    let read = 0;
    for (let n = 0; n < 100_000; n++) {
      let text: string;
      const shape = g.int(4);
      if (shape === 0) {
        // Known and unknown keys in any order, repeated or missing, with any kind of value.
        const parts = Array.from({ length: g.int(12) }, () => `"${g.pick(KEYS)}":${g.pick(VALUES)}`);
        text = `{${parts.join(',')}}`;
      } else {
        text = canonical(g.int(100_000), g.pick([0, 1, 12, 65535, 4294967295]));
        if (shape >= 2) {
          // Mutations: a byte replaced, inserted or removed, or the message cut short.
          const bytes = [...Buffer.from(text)];
          for (let m = 0; m < 1 + g.int(3); m++) {
            const at = g.int(bytes.length);
            const byte = g.pick([
              0x20,
              0x22,
              0x2c,
              0x2d,
              0x2e,
              0x30,
              0x31,
              0x39,
              0x3a,
              0x5c,
              0x65,
              0x7b,
              0x7d,
              0x5b,
              0x00,
              0x0a,
              0x7f,
              0xc3,
              0xff,
              g.int(256),
            ]);
            const kind = g.int(4);
            if (kind === 0) bytes[at] = byte;
            else if (kind === 1) bytes.splice(at, 0, byte);
            else if (kind === 2) bytes.splice(at, 1);
            else bytes.length = at;
          }
          text = Buffer.from(bytes).toString('latin1');
        }
      }
      const bytes = Buffer.from(text, shape >= 2 ? 'latin1' : 'utf8');
      const fast = readMovement(bytes);
      if (fast === undefined) continue;
      read++;
      const expected = byJsonParse(bytes);
      // Where JSON.parse fails the reader must not have read anything at all.
      expect(expected, bytes.toString('latin1')).not.toBe('refused (json)');
      expect(decided(fast), bytes.toString('latin1')).toBe(expected);
    }
    // Most well-formed messages go the fast way.
    expect(read).toBeGreaterThan(25_000);
  });
});
