// Times as the reference's Go services write them, for REST documents and message bodies alike.

/** A time.Time as Go's encoding/json writes it (RFC3339Nano, UTC): trailing zeros of the fraction dropped. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
}

/** Go's `t.Format(time.RFC3339)`: whole seconds, the fraction truncated (the instance status strings). */
export function rfc3339Seconds(ms: number): string {
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace('.000Z', 'Z');
}
