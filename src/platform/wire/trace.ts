import { randomFillSync } from 'node:crypto';
import type { Headers } from './headers.js';

// Ids come from a pooled random buffer: a message is produced per handled command, and one crypto call per
// 4 KiB of ids instead of one per id keeps that off the hot path.
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * A valid `traceparent` (W3C: version 00, ids not all zero) taken apart; undefined for anything else. The
 * same check as a produced message's cause gets (validParent): a string is read as its UTF-8 bytes, so that
 * a character outside ASCII can never pass for a hex digit.
 */
export function parseTraceparent(
  header: Buffer | string | undefined,
): { traceId: string; spanId: string; flags: number } | undefined {
  if (header === undefined) return undefined;
  const bytes = typeof header === 'string' ? Buffer.from(header, 'utf8') : header;
  if (!validParent(bytes)) return undefined;
  return {
    traceId: bytes.toString('latin1', 3, 35),
    spanId: bytes.toString('latin1', 36, 52),
    flags: Number.parseInt(bytes.toString('latin1', 53, 55), 16),
  };
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const DASH = 0x2d;
const ZERO = 0x30;

/**
 * Writes `bytes` random bytes from the pool as lower-case hex at `offset`, never all zero (W3C), straight
 * into the header's bytes: no string per id.
 */
function writeRandomHex(target: Buffer, offset: number, bytes: number): void {
  for (;;) {
    if (used + bytes > pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    let any = 0;
    for (let i = 0; i < bytes; i++) {
      const byte = pool[used + i]!;
      any |= byte;
      target[offset + 2 * i] = HEX_DIGITS[byte >> 4]!;
      target[offset + 2 * i + 1] = HEX_DIGITS[byte & 15]!;
    }
    used += bytes;
    if (any !== 0) return;
  }
}

/** Whether bytes [from, to) are lower-case hex digits, not all '0' (W3C ids; `allowZero` for the flags). */
function lowerHex(bytes: Buffer, from: number, to: number, allowZero: boolean): boolean {
  let nonZero = allowZero;
  for (let i = from; i < to; i++) {
    const c = bytes[i]!;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
    if (c !== ZERO) nonZero = true;
  }
  return nonZero;
}

/**
 * Whether a `traceparent` is valid (version 00, lower-case hex, ids not all zero), checked on its bytes
 * without a regular expression: a cause's is checked for every message produced.
 */
function validParent(header: Buffer): boolean {
  return (
    header.length === 55 &&
    header[0] === ZERO &&
    header[1] === ZERO &&
    header[2] === DASH &&
    header[35] === DASH &&
    header[52] === DASH &&
    lowerHex(header, 3, 35, false) &&
    lowerHex(header, 36, 52, false) &&
    lowerHex(header, 53, 55, true)
  );
}

/** `00-<trace id>-<new span id>-<flags>`: the parent's trace id and flags, or a new sampled trace. */
function traceparent(parent: Buffer | undefined): Buffer {
  // 55 bytes from Node's shared pool, as keys are: one is made for every message.
  const out = Buffer.allocUnsafe(55);
  out[0] = ZERO;
  out[1] = ZERO;
  out[2] = DASH;
  if (parent === undefined) writeRandomHex(out, 3, 16);
  else parent.copy(out, 3, 3, 35);
  out[35] = DASH;
  writeRandomHex(out, 36, 8);
  out[52] = DASH;
  if (parent === undefined) {
    out[53] = ZERO;
    out[54] = ZERO + 1;
  } else parent.copy(out, 53, 53, 55);
  return out;
}

/**
 * The W3C trace context of a message produced because of `cause` (a consumed message's or a request's
 * headers), as Go's producers write it: the cause's trace id with a NEW span id (the producing span is a
 * child of the cause's), the cause's flags, `tracestate` carried over. A message with no valid cause (a timer,
 * a request without `traceparent`) starts a trace of its own, sampled, as Go's ParentBased(AlwaysSample) does.
 */
export function childTraceHeaders(cause: Headers | undefined): Headers {
  const parent = cause?.traceparent;
  if (parent === undefined || !validParent(parent)) return { traceparent: traceparent(undefined) };
  const out: Headers = { traceparent: traceparent(parent) };
  const state = cause?.tracestate;
  if (state && state.length > 0) out.tracestate = state;
  return out;
}
