/**
 * The fields of a movement command read straight from its bytes, for the busiest topic: no string of the
 * whole message and no JSON.parse when the message is in the plain form producers write (compact, one flat
 * object, integer numbers, strings without escapes). Anything else (whitespace, nesting, fractions or
 * exponents, escapes, non-ASCII, more than 15 digits, malformed bytes) is left to JSON.parse: `undefined`
 * means "not read here", never "invalid". When it does read a message, what it returns for the five fields
 * the handler checks is what JSON.parse would give for them (the last of repeated keys wins; a string value
 * is read as '' because only its type is checked), so the check that follows accepts and refuses alike.
 */
/** The fields the handler reads (movement.ts types its check with these, so the two cannot drift apart). */
export const MOVEMENT_KEYS = ['objectId', 'x', 'y', 'fh', 'stance'] as const;
export type MovementKey = (typeof MOVEMENT_KEYS)[number];
export type MovementFields = { [key in MovementKey]?: unknown };

const KEY_BYTES = MOVEMENT_KEYS.map((key) => Buffer.from(key, 'latin1'));
/** MOVEMENT_KEYS' indexes by key length, so that most keys are told apart by their length alone. */
const BY_LENGTH: number[][] = [];
for (let k = 0; k < KEY_BYTES.length; k++) {
  const length = KEY_BYTES[k]!.length;
  BY_LENGTH[length] = [...(BY_LENGTH[length] ?? []), k];
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const BACKSLASH = 0x5c;

/** Which of MOVEMENT_KEYS (its index) the key at [from, to) is; -1 for any other key. */
function fieldOf(bytes: Buffer, from: number, to: number): number {
  const length = to - from;
  const candidates = BY_LENGTH[length];
  if (candidates === undefined) return -1;
  for (const k of candidates) {
    const key = KEY_BYTES[k]!;
    let i = 0;
    while (i < length && bytes[from + i] === key[i]) i++;
    if (i === length) return k;
  }
  return -1;
}

/**
 * Stores a value under MOVEMENT_KEYS[k] with a named property each: a store by a computed key is a generic
 * (megamorphic) store, the costliest step of reading a message.
 */
function store(fields: MovementFields, k: number, value: unknown): void {
  switch (k) {
    case 0:
      fields.objectId = value;
      break;
    case 1:
      fields.x = value;
      break;
    case 2:
      fields.y = value;
      break;
    case 3:
      fields.fh = value;
      break;
    case 4:
      fields.stance = value;
      break;
  }
}

function literalAt(bytes: Buffer, at: number, text: string): boolean {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

export function readMovement(bytes: Buffer): MovementFields | undefined {
  const end = bytes.length;
  if (end < 2 || bytes[0] !== 0x7b || bytes[end - 1] !== 0x7d) return undefined;
  // One shape for every message read (absent fields stay undefined, as the check reads them).
  const fields: MovementFields = {
    objectId: undefined,
    x: undefined,
    y: undefined,
    fh: undefined,
    stance: undefined,
  };
  let at = 1;
  if (end === 2) return fields;
  for (;;) {
    // A key: a string of printable ASCII without escapes.
    if (bytes[at] !== QUOTE) return undefined;
    const keyStart = ++at;
    for (;;) {
      if (at >= end) return undefined;
      const c = bytes[at]!;
      if (c === QUOTE) break;
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) return undefined;
      at++;
    }
    const field = fieldOf(bytes, keyStart, at);
    at++;
    if (bytes[at] !== COLON) return undefined;
    at++;
    // A value: an integer of at most 15 digits (exact in a double), a plain string, true, false or null.
    let value: unknown;
    const c = bytes[at];
    if (c === QUOTE) {
      for (at++; ; at++) {
        if (at >= end) return undefined;
        const s = bytes[at]!;
        if (s === QUOTE) break;
        if (s < 0x20 || s > 0x7e || s === BACKSLASH) return undefined;
      }
      at++;
      value = '';
    } else if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) {
      const negative = c === MINUS;
      if (negative) at++;
      const digitsStart = at;
      let n = 0;
      while (at < end && bytes[at]! >= ZERO && bytes[at]! <= NINE) n = n * 10 + (bytes[at++]! - ZERO);
      const digits = at - digitsStart;
      if (digits === 0 || digits > 15 || (digits > 1 && bytes[digitsStart] === ZERO)) return undefined;
      value = negative ? -n : n;
    } else if (literalAt(bytes, at, 'true')) {
      at += 4;
      value = true;
    } else if (literalAt(bytes, at, 'false')) {
      at += 5;
      value = false;
    } else if (literalAt(bytes, at, 'null')) {
      at += 4;
      value = null;
    } else return undefined;
    if (field >= 0) store(fields, field, value);
    if (at === end - 1) return fields;
    if (bytes[at] !== COMMA) return undefined;
    at++;
  }
}
