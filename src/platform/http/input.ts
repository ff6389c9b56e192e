import type { FastifyRequest } from 'fastify';
import { badRequest, type ErrorSource } from './errors.js';
import { UNDECODABLE } from './query.js';

/**
 * PostgreSQL cannot store a NUL character in text or jsonb, and jsonb refuses a lone UTF-16 surrogate: such
 * text must never reach a statement (it failed there as a 500). Every path parameter, query parameter and
 * body string (keys too) of a tenant-scoped request is checked here, before any handler runs, and the first
 * offender is answered 400 naming it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function storable(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

const PROBLEM = 'must not contain NUL characters or unpaired UTF-16 surrogates';

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The JSON pointer of the first unstorable string (or key) in a parsed body, or undefined. */
function unstorableIn(value: unknown, pointer: string): string | undefined {
  if (typeof value === 'string') return storable(value) ? undefined : pointer;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = `${pointer}/${escapePointer(key)}`;
    if (!storable(key)) return at;
    const found = unstorableIn(inner, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

function reject(name: string, source: ErrorSource, what: string): never {
  throw badRequest(`${what} ${name} ${PROBLEM}`, source);
}

export function requireStorableInput(request: FastifyRequest): void {
  const query = request.query as Record<string, string> & { [UNDECODABLE]?: string[] };
  const undecodable = query?.[UNDECODABLE]?.[0];
  if (undecodable !== undefined) {
    throw badRequest(`query parameter ${undecodable} is not valid percent-encoded UTF-8`, {
      parameter: undecodable,
    });
  }
  for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, string>)) {
    if (!storable(value)) reject(name, { parameter: name }, 'path parameter');
  }
  for (const [name, value] of Object.entries(query ?? {})) {
    if (!storable(name) || !storable(value)) reject(name, { parameter: name }, 'query parameter');
  }
  const pointer = unstorableIn(request.body, '');
  if (pointer !== undefined) reject(pointer || '(the body)', { pointer }, 'body value');
}
