import { describe, expect, it } from 'vitest';
import { childTraceHeaders, parseTraceparent } from './trace.js';

const FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const cause = {
  traceparent: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
  tracestate: Buffer.from('congo=t61rcWkgMzE'),
};

describe('trace context of a produced message', () => {
  it('continues the cause trace with a new span id, its flags and its tracestate', () => {
    const out = childTraceHeaders(cause);
    const [, trace, span, flags] = FORMAT.exec(out.traceparent!.toString())!;
    expect(trace).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span).not.toBe('00f067aa0ba902b7');
    expect(flags).toBe('01');
    expect(out.tracestate!.toString()).toBe('congo=t61rcWkgMzE');
  });

  it('gives every message its own span id', () => {
    const spans = new Set(
      Array.from({ length: 2_000 }, () => FORMAT.exec(childTraceHeaders(cause).traceparent!.toString())![2]),
    );
    expect(spans.size).toBe(2_000);
  });

  it('keeps an unsampled cause unsampled', () => {
    const out = childTraceHeaders({
      traceparent: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'),
    });
    expect(FORMAT.exec(out.traceparent!.toString())![3]).toBe('00');
  });

  it.each([
    ['no cause', undefined],
    ['no traceparent', {}],
    ['a malformed traceparent', { traceparent: Buffer.from('00-xyz-01') }],
    ['an all-zero trace id', { traceparent: Buffer.from(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`) }],
    [
      'an unknown version',
      { traceparent: Buffer.from('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') },
    ],
  ])('starts a new sampled trace for %s', (_name, from) => {
    const a = FORMAT.exec(childTraceHeaders(from).traceparent!.toString());
    const b = FORMAT.exec(childTraceHeaders(from).traceparent!.toString());
    expect(a?.[3]).toBe('01');
    expect(a?.[1]).not.toBe(b?.[1]);
    expect(a?.[1]).not.toBe('0'.repeat(32));
    expect(childTraceHeaders(from).tracestate).toBeUndefined();
  });

  it('continues exactly the causes parseTraceparent accepts (its bytes checked without a regular expression)', () => {
    const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const variants = [valid, `${valid}\n`, ` ${valid}`, valid.slice(0, 54), valid.toUpperCase()];
    for (let i = 0; i < valid.length; i++)
      for (const c of ['0', 'f', 'g', 'A', '-', '\u00e9', ' ', '\u0130'])
        variants.push(valid.slice(0, i) + c + valid.slice(i + 1));
    variants.push(
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`,
    );
    variants.push('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    for (const text of variants) {
      const bytes = Buffer.from(text, 'utf8');
      const parsed = parseTraceparent(bytes);
      // The W3C format as a regular expression, the reference the byte checks are held to.
      const match = FORMAT.exec(text);
      const expected =
        match && match[1] !== '0'.repeat(32) && match[2] !== '0'.repeat(16)
          ? { traceId: match[1], spanId: match[2], flags: Number.parseInt(match[3]!, 16) }
          : undefined;
      expect([parsed, parseTraceparent(text)], text).toEqual([expected, expected]);
      const out = childTraceHeaders({ traceparent: bytes, tracestate: Buffer.from('a=b') });
      const [, trace, , flags] = FORMAT.exec(out.traceparent!.toString())!;
      if (parsed) {
        expect([trace, flags, out.tracestate?.toString()], text).toEqual([
          parsed.traceId,
          text.slice(53),
          'a=b',
        ]);
      } else {
        expect([flags, out.tracestate], text).toEqual(['01', undefined]);
        expect(trace, text).not.toBe(text.slice(3, 35));
      }
    }
  });
});
