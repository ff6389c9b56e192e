import { expect } from 'vitest';

/** The trace id of a `traceparent` header (undefined without one). */
export function traceIdOf(header: Buffer | undefined): string | undefined {
  return header?.toString('latin1').split('-')[1];
}

/** A produced message continues `parent`'s trace as a new span, with its flags (as Go's producers do). */
export function expectChildSpanOf(header: Buffer | undefined, parent: string): void {
  const [, trace, span, flags] = parent.split('-');
  const got = header?.toString('latin1') ?? '';
  expect(got).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
  const [, gotTrace, gotSpan, gotFlags] = got.split('-');
  expect(gotTrace).toBe(trace);
  expect(gotSpan).not.toBe(span);
  expect(gotFlags).toBe(flags);
}
