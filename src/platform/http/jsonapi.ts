import type { z } from 'zod';
import { badRequest } from './errors.js';
import type { Envelope, PageLinks, PageMeta } from './pagination.js';
import { queryValue } from './query.js';

/**
 * JSON:API documents as Atlas (api2go) writes them: `{data}` with resources keyed type, id, attributes,
 * relationships; `included` only when non-empty; nothing else at the top level unless the caller paginated.
 */
export interface ResourceIdentifier {
  readonly type: string;
  readonly id: string;
}

export interface Relationship {
  readonly links?: { readonly related: string; readonly self: string };
  /** Omitted when the related resources are not part of the answer (links only, as JSON:API allows). */
  readonly data?: ResourceIdentifier[];
}

export interface Resource<A extends object = Record<string, unknown>> {
  readonly type: string;
  readonly id: string;
  readonly attributes: A;
  readonly relationships?: Record<string, Relationship>;
}

// Field order is api2go's: links, data, included, meta.
export interface Document {
  links?: PageLinks;
  data: Resource | Resource[];
  included?: Resource[];
  meta?: PageMeta;
}

function dedupe(included: readonly Resource[]): Resource[] {
  const seen = new Set<string>();
  const out: Resource[] = [];
  for (const resource of included) {
    const key = `${resource.type}\u0000${resource.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(resource);
  }
  return out;
}

export function single(resource: Resource, included: readonly Resource[] = []): Document {
  const doc: Document = { data: resource };
  if (included.length > 0) doc.included = dedupe(included);
  return doc;
}

/** A list; `envelope` (platform/http/pagination.ts) adds HEAD's `links` and `meta`. */
export function collection(
  resources: readonly Resource[],
  options: { included?: readonly Resource[]; envelope?: Envelope } = {},
): Document {
  const doc: Document = options.envelope
    ? { links: options.envelope.links, data: [...resources] }
    : { data: [...resources] };
  if (options.included && options.included.length > 0) doc.included = dedupe(options.included);
  if (options.envelope) doc.meta = options.envelope.meta;
  return doc;
}

type Query = Record<string, unknown>;

/** `include=a,b` as a set of relationship names. */
export function parseInclude(query: Query): Set<string> {
  const text = queryValue(query, 'include');
  if (!text) return new Set();
  return new Set(
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/**
 * Sparse fieldsets: `fields[<type>]=a,b` keeps only the named attributes of resources of that type, in data
 * and included. api2go re-marshals the kept attributes from a map, so their keys come out in alphabetical
 * order: so do ours, for every type. The reference answers an unknown field with status 200 by accident; we
 * answer 400. A type the document cannot contain is ignored, as the reference does.
 */
export function applySparseFields(
  doc: Document,
  query: Query,
  known: Record<string, readonly string[]>,
): Document {
  const wanted = new Map<string, string[]>();
  for (const name of Object.keys(query)) {
    const match = /^fields\[(.+)\]$/.exec(name);
    if (!match) continue;
    const type = match[1]!;
    const fields = (queryValue(query, name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const allowed = known[type];
    // A type this service does not serve filters nothing (api2go ignores it too); only an unknown field of a
    // served type is a mistake worth a 400.
    if (!allowed) continue;
    for (const field of fields) {
      if (!allowed.includes(field)) {
        throw badRequest(`Field "${field}" does not exist for type "${type}"`, { parameter: name });
      }
    }
    wanted.set(type, fields);
  }
  if (wanted.size === 0) return doc;
  const filter = (resource: Resource): Resource => {
    const fields = wanted.get(resource.type);
    if (!fields) return resource;
    const source = resource.attributes as Record<string, unknown>;
    const attributes: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) if (fields.includes(key)) attributes[key] = source[key];
    return { ...resource, attributes };
  };
  const out: Document = {
    ...doc,
    data: Array.isArray(doc.data) ? doc.data.map(filter) : filter(doc.data),
  };
  if (doc.included) out.included = doc.included.map(filter);
  return out;
}

export interface ParsedRequest<A> {
  readonly id: string | undefined;
  readonly attributes: A;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * Parses a request document: it must be `{"data": {"type": <type>, "attributes": {...}}}`; the attributes go
 * through `schema`, and the first problem is reported with a pointer naming the attribute.
 */
export function parseRequestDocument<S extends z.ZodType>(
  body: unknown,
  type: string,
  schema: S,
): ParsedRequest<z.infer<S>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('request body must be a JSON:API document {"data": {...}}', { pointer: '' });
  }
  const data = (body as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw badRequest('data must be a resource object', { pointer: '/data' });
  }
  const resource = data as { type?: unknown; id?: unknown; attributes?: unknown };
  if (resource.type !== type) {
    throw badRequest(`data.type must be "${type}"`, { pointer: '/data/type' });
  }
  if (resource.id !== undefined && resource.id !== null && typeof resource.id !== 'string') {
    throw badRequest('data.id must be a string', { pointer: '/data/id' });
  }
  const attributes = resource.attributes ?? {};
  const parsed = schema.safeParse(attributes);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = describePath(issue.path);
    throw badRequest(`data.attributes${where ? `.${where}` : ''}: ${issue.message}`, {
      pointer: `/data/attributes${issue.path.map((p) => `/${String(p)}`).join('')}`,
    });
  }
  return { id: typeof resource.id === 'string' ? resource.id : undefined, attributes: parsed.data };
}
