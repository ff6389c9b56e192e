/**
 * JSON bodies are written exactly as Go's encoding/json writes them: compact, field order as declared, no
 * trailing newline. Builders in the domains create objects with keys in wire order, so JSON.stringify is
 * exact. Go escapes <, > and & in strings; we do the same so bytes match.
 */
export function encodeJson(value: unknown): Buffer {
  return Buffer.from(goEscape(JSON.stringify(value)), 'utf8');
}

const GO_ESCAPED = /[<>&\u2028\u2029]/;

export function goEscape(json: string): string {
  // Most bodies hold none of these characters: test first, replace only when needed.
  if (!GO_ESCAPED.test(json)) return json;
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function decodeJson(value: Buffer): unknown {
  return JSON.parse(value.toString('utf8'));
}
