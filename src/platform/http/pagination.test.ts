import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import { collection } from './jsonapi.js';
import {
  CHARACTER_PAGES,
  envelope,
  FIELD_PAGES,
  pageOf,
  parseListing,
  STANDARD_PAGES,
  window,
} from './pagination.js';

function refusal(work: () => unknown): HttpError {
  try {
    work();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('list pagination as Atlas HEAD serves it', () => {
  it('reads no page without page parameters, and the defaults for the missing half', () => {
    expect(parseListing('/api/characters', CHARACTER_PAGES).page).toBeUndefined();
    expect(parseListing('/api/characters?page[number]=3', CHARACTER_PAGES).page).toEqual({
      number: 3,
      size: 50,
    });
    expect(parseListing('/api/x?page%5Bsize%5D=7', STANDARD_PAGES).page).toEqual({ number: 1, size: 7 });
    expect(parseListing('/api/x?page[number]=1', FIELD_PAGES).page).toEqual({ number: 1, size: 250 });
  });

  it.each([
    ['page[size]=0', 'page[size]'],
    ['page[size]=abc', 'page[size]'],
    ['page[size]=251', 'page[size]'],
    ['page[size]=-1', 'page[size]'],
    ['page[size]=2.5', 'page[size]'],
    ['page[size]=', 'page[size]'],
    ['page[number]=0', 'page[number]'],
    ['page[number]=first', 'page[number]'],
    ['limit=10', 'limit'],
  ])('?%s is a 400 naming %s, never clamped', (query, parameter) => {
    const error = refusal(() => parseListing(`/api/characters?${query}`, CHARACTER_PAGES));
    expect(error.status).toBe(400);
    expect(error.detail).toBe('invalid page parameter');
    expect(error.source).toEqual({ parameter });
    expect(refusal(() => parseListing(`/api/transports/routes?${query}`, STANDARD_PAGES)).detail).toBe(
      'invalid page[number]/page[size]',
    );
  });

  it("writes HEAD's document: links first, keys sorted, meta last", () => {
    const listing = parseListing('/api/characters?page[number]=1&page[size]=2', CHARACTER_PAGES);
    const { items, envelope: page } = pageOf([1, 2, 3, 4, 5], listing);
    const resources = items.map((id) => ({ type: 'characters', id: String(id), attributes: {} }));
    expect(JSON.stringify(collection(resources, { envelope: page }))).toBe(
      '{"links":{"first":"/api/characters?page%5Bnumber%5D=1&page%5Bsize%5D=2",' +
        '"last":"/api/characters?page%5Bnumber%5D=3&page%5Bsize%5D=2",' +
        '"next":"/api/characters?page%5Bnumber%5D=2&page%5Bsize%5D=2",' +
        '"self":"/api/characters?page%5Bnumber%5D=1&page%5Bsize%5D=2"},' +
        '"data":[{"type":"characters","id":"1","attributes":{}},{"type":"characters","id":"2","attributes":{}}],' +
        '"meta":{"page":{"last":3,"number":1,"size":2},"total":5}}',
    );
  });

  it('keeps the other parameters in the links, sorted and escaped as Go encodes them', () => {
    const listing = parseListing(
      '/api/characters?worldId=0&accountId=7&name=a%20b!&page[number]=2&page[size]=1',
      CHARACTER_PAGES,
    );
    expect(envelope(listing, 3).links).toEqual({
      first: '/api/characters?accountId=7&name=a+b%21&page%5Bnumber%5D=1&page%5Bsize%5D=1&worldId=0',
      last: '/api/characters?accountId=7&name=a+b%21&page%5Bnumber%5D=3&page%5Bsize%5D=1&worldId=0',
      next: '/api/characters?accountId=7&name=a+b%21&page%5Bnumber%5D=3&page%5Bsize%5D=1&worldId=0',
      prev: '/api/characters?accountId=7&name=a+b%21&page%5Bnumber%5D=1&page%5Bsize%5D=1&worldId=0',
      self: '/api/characters?accountId=7&name=a+b%21&page%5Bnumber%5D=2&page%5Bsize%5D=1&worldId=0',
    });
  });

  it('answers a page past the end empty, with prev leading to the last page and no next', () => {
    const listing = parseListing('/api/x?page[number]=9&page[size]=2', STANDARD_PAGES);
    const { items, envelope: page } = pageOf([1, 2, 3], listing);
    expect(items).toEqual([]);
    expect(page.meta).toEqual({ page: { last: 2, number: 9, size: 2 }, total: 3 });
    expect(page.links.prev).toBe('/api/x?page%5Bnumber%5D=2&page%5Bsize%5D=2');
    expect(page.links.next).toBeUndefined();
  });

  it('gives an empty list one page', () => {
    const listing = parseListing('/api/x?page[number]=1', STANDARD_PAGES);
    expect(envelope(listing, 0)).toMatchObject({
      meta: { page: { last: 1, number: 1, size: 50 }, total: 0 },
    });
    expect(envelope(listing, 0).links.next).toBeUndefined();
    expect(envelope(listing, 0).links.prev).toBeUndefined();
  });

  it('answers the whole list without page parameters, described as its only page', () => {
    const listing = parseListing('/api/characters?accountId=1', CHARACTER_PAGES);
    const { items, envelope: page } = pageOf(
      Array.from({ length: 600 }, (_, i) => i),
      listing,
    );
    expect(items).toHaveLength(600);
    expect(page).toEqual({
      links: {
        first: '/api/characters?accountId=1',
        last: '/api/characters?accountId=1',
        self: '/api/characters?accountId=1',
      },
      meta: { page: { last: 1, number: 1, size: 600 }, total: 600 },
    });
    expect(window(listing)).toBeUndefined();
    expect(window(parseListing('/api/x?page[number]=3&page[size]=10', STANDARD_PAGES))).toEqual({
      offset: 20,
      limit: 10,
    });
  });
});
