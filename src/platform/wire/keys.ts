/**
 * Kafka message keys as Atlas writes them. Integer keys (character, account, map ids) are 8 bytes: the value
 * as little-endian uint32 followed by four zero bytes. Route and tenant keys are the UUID's 36 ASCII bytes.
 */
export function integerKey(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`integer key must be a uint32, got ${value}`);
  }
  // From Node's shared pool (a slice, not an ArrayBuffer of its own per key): keys are made for every message.
  const key = Buffer.allocUnsafe(8);
  key.writeUInt32LE(value, 0);
  key.writeUInt32LE(0, 4);
  return key;
}

/** Reads an 8-byte integer key back; undefined when the bytes are not in that form. */
export function readIntegerKey(key: Buffer | null | undefined): number | undefined {
  if (key?.length !== 8 || key.readUInt32LE(4) !== 0) return undefined;
  return key.readUInt32LE(0);
}

export function uuidKey(uuid: string): Buffer {
  return Buffer.from(uuid.toLowerCase(), 'ascii');
}

/** Accepts the forms callers hand to `publish`: a number (8-byte key), a string (UUID/text key) or bytes. */
export function toKey(key: number | string | Buffer | undefined): Buffer {
  if (key === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(key)) return key;
  if (typeof key === 'number') return integerKey(key);
  return uuidKey(key);
}
