/**
 * JSON bodies are written exactly as Go's encoding/json writes them: compact, field order as declared, no
 * trailing newline. Builders in the domains create objects with keys in wire order, so JSON.stringify is
 * exact. Go escapes <, > and & in strings; we do the same so bytes match.
 */
export function encodeJson(value: unknown): Buffer {
  return Buffer.from(goEscape(JSON.stringify(value)), 'utf8');
}

export function goEscape(json: string): string {
  // Most bodies hold none of these characters: test first, replace only when needed. Five indexOf calls take
  // half the time of one test of /[<>&\u2028\u2029]/ (every message and response passes here).
  if (
    json.indexOf('<') === -1 &&
    json.indexOf('>') === -1 &&
    json.indexOf('&') === -1 &&
    json.indexOf('\u2028') === -1 &&
    json.indexOf('\u2029') === -1
  ) {
    return json;
  }
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function decodeJson(value: Buffer): unknown {
  return JSON.parse(value.toString('utf8'));
}
