import { randomFillSync } from 'node:crypto';
import type { Headers } from './headers.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

// Ids come from a pooled random buffer: a message is produced per handled command, and one crypto call per
// 4 KiB of ids instead of one per id keeps that off the hot path.
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  for (;;) {
    if (used + bytes > pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    const hex = pool.toString('hex', used, used + bytes);
    used += bytes;
    // W3C: an all-zero trace or span id is invalid.
    if (hex !== ZERO_TRACE && hex !== ZERO_SPAN) return hex;
  }
}

/** A valid `traceparent` (W3C: version 00, ids not all zero) taken apart; undefined for anything else. */
export function parseTraceparent(
  header: Buffer | string | undefined,
): { traceId: string; spanId: string; flags: number } | undefined {
  if (header === undefined) return undefined;
  const match = TRACEPARENT.exec(typeof header === 'string' ? header : header.toString('latin1'));
  if (!match || match[1] === ZERO_TRACE || match[2] === ZERO_SPAN) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, flags: Number.parseInt(match[3]!, 16) };
}

/**
 * The W3C trace context of a message produced because of `cause` (a consumed message's or a request's
 * headers), as Go's producers write it: the cause's trace id with a NEW span id (the producing span is a
 * child of the cause's), the cause's flags, `tracestate` carried over. A message with no valid cause (a timer,
 * a request without `traceparent`) starts a trace of its own, sampled, as Go's ParentBased(AlwaysSample) does.
 */
export function childTraceHeaders(cause: Headers | undefined): Headers {
  const parent = cause?.traceparent ? TRACEPARENT.exec(cause.traceparent.toString('latin1')) : null;
  const valid = parent && parent[1] !== ZERO_TRACE && parent[2] !== ZERO_SPAN;
  const traceId = valid ? parent[1]! : randomHex(16);
  const flags = valid ? parent[3]! : '01';
  const out: Headers = { traceparent: Buffer.from(`00-${traceId}-${randomHex(8)}-${flags}`, 'latin1') };
  const state = valid ? cause?.tracestate : undefined;
  if (state && state.length > 0) out.tracestate = state;
  return out;
}
