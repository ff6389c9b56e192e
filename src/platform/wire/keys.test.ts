import { describe, expect, it } from 'vitest';
import { integerKey, readIntegerKey, toKey, uuidKey } from './keys.js';

const hex = (bytes: Buffer) => bytes.toString('hex').match(/../g)!.join(' ');

describe('integer key (producer.CreateKey)', () => {
  // wire.md §2.2: little-endian uint32 in bytes 0-3, then four zero bytes.
  it.each([
    { value: 1, bytes: '01 00 00 00 00 00 00 00' },
    { value: 12345, bytes: '39 30 00 00 00 00 00 00' },
    { value: 100000000, bytes: '00 e1 f5 05 00 00 00 00' },
    { value: 0, bytes: '00 00 00 00 00 00 00 00' },
    { value: 0xffffffff, bytes: 'ff ff ff ff 00 00 00 00' },
  ])('$value is $bytes', ({ value, bytes }) => {
    const key = integerKey(value);
    expect(key.length).toBe(8);
    expect(hex(key)).toBe(bytes);
  });

  it.each([-1, 1.5, 0x100000000, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (value) => {
    expect(() => integerKey(value)).toThrow(RangeError);
  });

  it.each([0, 1, 12345, 100000000, 0xffffffff])('reads %s back', (value) => {
    expect(readIntegerKey(integerKey(value))).toBe(value);
  });

  it('reads the bytes an Atlas producer wrote', () => {
    expect(readIntegerKey(Buffer.from('00e1f50500000000', 'hex'))).toBe(100000000);
  });

  it.each([
    { name: 'empty', key: Buffer.alloc(0) },
    { name: '4 bytes', key: Buffer.from('01000000', 'hex') },
    { name: '9 bytes', key: Buffer.from('010000000000000000', 'hex') },
    { name: 'non-zero high half', key: Buffer.from('0100000001000000', 'hex') },
    { name: 'a UUID key', key: Buffer.from('083839c6-c47c-42a6-9585-76492795d123', 'ascii') },
  ])('does not read $name as an integer key', ({ key }) => {
    expect(readIntegerKey(key)).toBeUndefined();
  });

  it('reads null and undefined as no integer key', () => {
    expect(readIntegerKey(null)).toBeUndefined();
    expect(readIntegerKey(undefined)).toBeUndefined();
  });
});

describe('UUID key', () => {
  it('is the 36 ASCII bytes of the lower-case UUID', () => {
    const key = uuidKey('083839C6-C47C-42A6-9585-76492795D123');
    expect(key.length).toBe(36);
    expect(key.equals(Buffer.from('083839c6-c47c-42a6-9585-76492795d123', 'ascii'))).toBe(true);
    expect([...key].every((b) => b < 0x80)).toBe(true);
  });
});

describe('toKey', () => {
  it('writes a number as the 8-byte integer key', () => {
    expect(hex(toKey(12345))).toBe('39 30 00 00 00 00 00 00');
  });

  it('writes a string as UUID text', () => {
    expect(toKey('5B7C2F0E-1D3A-4C8B-9E6F-0A1B2C3D4E5F').toString('ascii')).toBe(
      '5b7c2f0e-1d3a-4c8b-9e6f-0a1b2c3d4e5f',
    );
  });

  it('passes a Buffer through as is', () => {
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    expect(toKey(bytes)).toBe(bytes);
  });

  it('makes an empty key of undefined', () => {
    expect(toKey(undefined).length).toBe(0);
  });

  it('refuses a number that is not a uint32', () => {
    expect(() => toKey(-5)).toThrow(RangeError);
  });
});
