import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { encodeJson } from '../wire/envelope.js';
import { HttpError } from './errors.js';
import {
  applySparseFields,
  collection,
  type Document,
  parseInclude,
  parseRequestDocument,
  type Resource,
  single,
} from './jsonapi.js';

const character = (id: number, name = `c${id}`): Resource => ({
  type: 'characters',
  id: String(id),
  attributes: { accountId: 1, name, level: 10, mapId: 100000000 },
});

const inventory = (id: string): Resource => ({
  type: 'inventories',
  id,
  attributes: { capacity: 24, kind: 'equip' },
});

function httpError(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected an HttpError');
}

const wire = (doc: Document) => encodeJson(doc).toString('utf8');

describe('documents', () => {
  it('writes a single resource with keys type, id, attributes', () => {
    expect(wire(single(character(1, 'Atlas')))).toBe(
      '{"data":{"type":"characters","id":"1","attributes":{"accountId":1,"name":"Atlas","level":10,"mapId":100000000}}}',
    );
  });

  it('writes an empty collection as {"data":[]}', () => {
    expect(wire(collection([]))).toBe('{"data":[]}');
  });

  it('writes a collection in the given order, without included or meta unless given', () => {
    const doc = collection([character(2), character(1)]);
    expect(Object.keys(doc)).toEqual(['data']);
    expect((doc.data as Resource[]).map((r) => r.id)).toEqual(['2', '1']);
  });

  it('omits included when empty and de-duplicates it by type and id', () => {
    expect(Object.keys(single(character(1), []))).toEqual(['data']);
    const doc = single(character(1), [inventory('a'), inventory('b'), inventory('a'), { ...character(1) }]);
    expect(doc.included!.map((r) => `${r.type}/${r.id}`)).toEqual([
      'inventories/a',
      'inventories/b',
      'characters/1',
    ]);

    const many = collection([character(1)], { included: [inventory('x'), inventory('x')] });
    expect(many.included).toHaveLength(1);
    expect(Object.keys(collection([character(1)], { included: [] }))).toEqual(['data']);
  });

  it('keeps relationships after attributes', () => {
    const route: Resource = {
      type: 'routes',
      id: 'r',
      attributes: { name: 'x' },
      relationships: {
        schedule: {
          links: { related: '/api/routes/r/schedule', self: '/api/routes/r/relationships/schedule' },
          data: [],
        },
      },
    };
    expect(wire(single(route))).toBe(
      '{"data":{"type":"routes","id":"r","attributes":{"name":"x"},"relationships":{"schedule":{"links":{"related":"/api/routes/r/schedule","self":"/api/routes/r/relationships/schedule"},"data":[]}}}}',
    );
  });
});

describe('include', () => {
  it('is an empty set when absent', () => {
    expect(parseInclude({}).size).toBe(0);
    expect(parseInclude({ include: '' }).size).toBe(0);
  });

  it('splits and trims the names', () => {
    expect([...parseInclude({ include: 'inventory, equipment,,' })]).toEqual(['inventory', 'equipment']);
  });
});

describe('sparse fieldsets', () => {
  const known = { characters: ['accountId', 'name', 'level', 'mapId'], inventories: ['capacity', 'kind'] };

  it('keeps only the listed attributes of that type, in data and included', () => {
    const doc = single(character(1), [inventory('a')]);
    const out = applySparseFields(doc, { 'fields[characters]': 'mapId,name' }, known);
    expect(out.data).toEqual({ type: 'characters', id: '1', attributes: { name: 'c1', mapId: 100000000 } });
    expect(out.included).toEqual([inventory('a')]);

    const both = applySparseFields(
      collection([character(1), character(2)], { included: [inventory('a')] }),
      { 'fields[characters]': 'level', 'fields[inventories]': 'kind' },
      known,
    );
    expect((both.data as Resource[]).map((r) => r.attributes)).toEqual([{ level: 10 }, { level: 10 }]);
    expect(both.included).toEqual([{ type: 'inventories', id: 'a', attributes: { kind: 'equip' } }]);
  });

  it('writes the kept attributes in alphabetical order, as api2go re-marshals them from a map', () => {
    const out = applySparseFields(
      single(character(1)),
      { 'fields[characters]': 'name,mapId,accountId' },
      known,
    );
    // toEqual ignores key order: compare the serialised bytes.
    expect(JSON.stringify(out.data)).toBe(
      '{"type":"characters","id":"1","attributes":{"accountId":1,"mapId":100000000,"name":"c1"}}',
    );
  });

  it('leaves the document alone without fields parameters', () => {
    const doc = single(character(1));
    expect(applySparseFields(doc, { include: 'x' }, known)).toBe(doc);
  });

  it('does not change the original document', () => {
    const doc = single(character(1));
    applySparseFields(doc, { 'fields[characters]': 'name' }, known);
    expect(Object.keys((doc.data as Resource).attributes)).toHaveLength(4);
  });

  it('answers an unknown field with 400 naming the parameter', () => {
    const error = httpError(() =>
      applySparseFields(single(character(1)), { 'fields[characters]': 'name,foo' }, known),
    );
    expect(error.status).toBe(400);
    expect(error.source).toEqual({ parameter: 'fields[characters]' });
    expect(error.detail).toBe('Field "foo" does not exist for type "characters"');
  });

  it('ignores fields of a type the service does not serve, as api2go does, and still checks the served ones', () => {
    const doc = single(character(1));
    expect(applySparseFields(doc, { 'fields[pets]': 'name,nonsense' }, known)).toEqual(doc);
    const error = httpError(() =>
      applySparseFields(doc, { 'fields[pets]': 'name', 'fields[characters]': 'nonsense' }, known),
    );
    expect(error.source).toEqual({ parameter: 'fields[characters]' });
  });
});

describe('request documents', () => {
  const schema = z.object({ name: z.string().min(1), level: z.number().int().min(1).max(200) });

  it('returns the id and the parsed attributes', () => {
    const parsed = parseRequestDocument(
      { data: { type: 'characters', id: '7', attributes: { name: 'Atlas', level: 3, unknown: true } } },
      'characters',
      schema,
    );
    expect(parsed).toEqual({ id: '7', attributes: { name: 'Atlas', level: 3 } });
  });

  it('accepts a document without id', () => {
    expect(
      parseRequestDocument(
        { data: { type: 'characters', attributes: { name: 'a', level: 1 } } },
        'characters',
        schema,
      ).id,
    ).toBeUndefined();
  });

  it.each([
    { body: undefined, pointer: '' },
    { body: null, pointer: '' },
    { body: 'text', pointer: '' },
    { body: [], pointer: '' },
    { body: {}, pointer: '/data' },
    { body: { data: [] }, pointer: '/data' },
    { body: { data: null }, pointer: '/data' },
    { body: { data: { attributes: {} } }, pointer: '/data/type' },
    { body: { data: { type: 'character', attributes: {} } }, pointer: '/data/type' },
    {
      body: { data: { type: 'characters', id: 7, attributes: { name: 'a', level: 1 } } },
      pointer: '/data/id',
    },
  ])('400 with pointer "$pointer" for $body', ({ body, pointer }) => {
    const error = httpError(() => parseRequestDocument(body, 'characters', schema));
    expect(error.status).toBe(400);
    expect(error.source).toEqual({ pointer });
  });

  it('names the expected type', () => {
    const error = httpError(() => parseRequestDocument({ data: { type: 'x' } }, 'characters', schema));
    expect(error.detail).toContain('"characters"');
  });

  it.each([
    { attributes: { level: 3 }, name: 'name' },
    { attributes: { name: 'a', level: 0 }, name: 'level' },
    { attributes: { name: 'a', level: 'high' }, name: 'level' },
    { attributes: { name: 'a', level: 201 }, name: 'level' },
  ])('names the bad attribute $name with pointer /data/attributes/$name', ({ attributes, name }) => {
    const error = httpError(() =>
      parseRequestDocument({ data: { type: 'characters', attributes } }, 'characters', schema),
    );
    expect(error.status).toBe(400);
    expect(error.source).toEqual({ pointer: `/data/attributes/${name}` });
    expect(error.detail).toMatch(new RegExp(`^data\\.attributes\\.${name}: `));
  });

  it('points into nested attributes', () => {
    const nested = z.object({ position: z.object({ x: z.number() }) });
    const error = httpError(() =>
      parseRequestDocument({ data: { type: 't', attributes: { position: { x: 'a' } } } }, 't', nested),
    );
    expect(error.source).toEqual({ pointer: '/data/attributes/position/x' });
  });

  it('reads missing attributes as an empty object', () => {
    const optional = z.object({ name: z.string().optional() });
    expect(parseRequestDocument({ data: { type: 't' } }, 't', optional).attributes).toEqual({});
    const error = httpError(() => parseRequestDocument({ data: { type: 't' } }, 't', schema));
    expect(error.source).toEqual({ pointer: '/data/attributes/name' });
  });
});
