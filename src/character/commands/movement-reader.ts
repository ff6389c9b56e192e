/**
 * The fields of a movement command read straight from its bytes, for the busiest topic: no string of the
 * whole message and no JSON.parse when the message is in the plain form producers write (compact, one flat
 * object, integer numbers, strings without escapes). Anything else (whitespace, nesting, fractions or
 * exponents, escapes, non-ASCII, more than 15 digits, malformed bytes) is left to JSON.parse: `undefined`
 * means "not read here", never "invalid". When it does read a message, what it returns for the five fields
 * the handler checks is what JSON.parse would give for them (the last of repeated keys wins; a string value
 * is read as '' because only its type is checked), so the check that follows accepts and refuses alike.
 */
export interface MovementFields {
  objectId?: unknown;
  x?: unknown;
  y?: unknown;
  fh?: unknown;
  stance?: unknown;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const BACKSLASH = 0x5c;

/** Which of the five fields the key at [from, to) is; -1 for any other key. */
function fieldOf(bytes: Buffer, from: number, to: number): number {
  const length = to - from;
  const first = bytes[from];
  if (length === 1) return first === 0x78 ? 1 : first === 0x79 ? 2 : -1; // x, y
  if (length === 2) return first === 0x66 && bytes[from + 1] === 0x68 ? 3 : -1; // fh
  if (length === 6) return literalAt(bytes, from, 'stance') ? 4 : -1;
  if (length === 8) return literalAt(bytes, from, 'objectId') ? 0 : -1;
  return -1;
}

function literalAt(bytes: Buffer, at: number, text: string): boolean {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

export function readMovement(bytes: Buffer): MovementFields | undefined {
  const end = bytes.length;
  if (end < 2 || bytes[0] !== 0x7b || bytes[end - 1] !== 0x7d) return undefined;
  const fields: MovementFields = {};
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
    if (field === 0) fields.objectId = value;
    else if (field === 1) fields.x = value;
    else if (field === 2) fields.y = value;
    else if (field === 3) fields.fh = value;
    else if (field === 4) fields.stance = value;
    if (at === end - 1) return fields;
    if (bytes[at] !== COMMA) return undefined;
    at++;
  }
}
