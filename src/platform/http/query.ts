/**
 * Query strings as the Go services read them (`url.ParseQuery`, then `Values.Get`): pairs split on `&`, `+`
 * is a space, and a repeated name means its first value. Every route sees one string per name.
 */
export type Query = Readonly<Record<string, string>>;

/** Names whose pair could not be percent-decoded; the request is answered 400 naming the first. */
export const UNDECODABLE: unique symbol = Symbol('undecodable query parameters');

export type ParsedQuery = Query & { [UNDECODABLE]?: string[] };

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/** The router's query-string parser; a null-prototype object, so `__proto__=` is a parameter like any other. */
export function parseQuery(text: string): ParsedQuery {
  const query: Record<string, string> & { [UNDECODABLE]?: string[] } = Object.create(null);
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const rawName = at === -1 ? pair : pair.slice(0, at);
    const name = decode(rawName);
    const value = decode(at === -1 ? '' : pair.slice(at + 1));
    if (name === undefined || value === undefined) {
      query[UNDECODABLE] ??= [];
      query[UNDECODABLE].push(name ?? rawName);
      continue;
    }
    if (!(name in query)) query[name] = value;
  }
  return query;
}

/** One parameter's value (the first given), or undefined when absent. */
export function queryValue(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
