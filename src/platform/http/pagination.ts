import { badRequest } from './errors.js';

/**
 * Atlas HEAD's list pagination (its docs/rest-pagination.md), served to clients of both eras (decisions F2):
 * `page[number]` (from 1) and `page[size]` (default and maximum per list) pick a page and the answer carries
 * HEAD's `links` and `meta`; without them the whole list is answered, as the reference did, with the same
 * `links` and `meta` describing it as one page, so a HEAD client that drains `1..meta.page.last` stops after
 * it. A value that is not an integer, below 1 or above the maximum is a 400, never clamped; so is `limit`.
 */

export interface Page {
  readonly number: number;
  readonly size: number;
}

export interface PageRules {
  readonly size: number;
  readonly maxSize: number;
  /** The 400's detail: HEAD's characters and transports/maps services word it differently. */
  readonly invalid: string;
}

export const CHARACTER_PAGES: PageRules = { size: 50, maxSize: 250, invalid: 'invalid page parameter' };
export const STANDARD_PAGES: PageRules = {
  size: 50,
  maxSize: 250,
  invalid: 'invalid page[number]/page[size]',
};
/** Lists the game caps (characters in a map): the whole population fits the default page. */
export const FIELD_PAGES: PageRules = { size: 250, maxSize: 250, invalid: 'invalid page[number]/page[size]' };

// Key order is Go's: api2go writes map keys sorted.
export interface PageLinks {
  readonly first: string;
  readonly last: string;
  readonly next?: string;
  readonly prev?: string;
  readonly self: string;
}

export interface PageMeta {
  readonly page: { readonly last: number; readonly number: number; readonly size: number };
  readonly total: number;
}

export interface Envelope {
  readonly links: PageLinks;
  readonly meta: PageMeta;
}

/** A list request: its page (undefined: the whole list) and what its links are built from. */
export interface Listing {
  readonly page: Page | undefined;
  readonly path: string;
  /** The query's other parameters, decoded, in request order (links keep them). */
  readonly others: readonly (readonly [string, string])[];
}

const PAGE_NUMBER = 'page[number]';
const PAGE_SIZE = 'page[size]';

function pageValue(
  text: string | undefined,
  max: number,
  rules: PageRules,
  name: string,
): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw badRequest(rules.invalid, { parameter: name });
  }
  return Number(text);
}

/** Reads the page of a list request from its raw URL (`request.url`). */
export function parseListing(url: string, rules: PageRules): Listing {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const params = new URLSearchParams(mark < 0 ? '' : url.slice(mark + 1));
  if (params.has('limit')) throw badRequest(rules.invalid, { parameter: 'limit' });
  // A repeated parameter counts by its first value, as Go's url.Values.Get reads it.
  const number = pageValue(params.get(PAGE_NUMBER) ?? undefined, Number.MAX_SAFE_INTEGER, rules, PAGE_NUMBER);
  const size = pageValue(params.get(PAGE_SIZE) ?? undefined, rules.maxSize, rules, PAGE_SIZE);
  const others = [...params].filter(([name]) => name !== PAGE_NUMBER && name !== PAGE_SIZE);
  const page =
    number === undefined && size === undefined
      ? undefined
      : { number: number ?? 1, size: size ?? rules.size };
  return { page, path, others };
}

/** Go's url.QueryEscape: only letters, digits and `-_.~` stay; a space is `+`. */
function goQueryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Go's url.Values.Encode: keys sorted, each key's values in order. */
function goEncode(pairs: readonly (readonly [string, string])[]): string {
  const keys = [...new Set(pairs.map(([name]) => name))].sort();
  return keys
    .flatMap((key) =>
      pairs
        .filter(([name]) => name === key)
        .map(([, value]) => `${goQueryEscape(key)}=${goQueryEscape(value)}`),
    )
    .join('&');
}

function link(listing: Listing, page: Page | undefined): string {
  const pairs = page
    ? [
        ...listing.others,
        [PAGE_NUMBER, String(page.number)] as const,
        [PAGE_SIZE, String(page.size)] as const,
      ]
    : listing.others;
  const query = goEncode(pairs);
  return query === '' ? listing.path : `${listing.path}?${query}`;
}

/** HEAD's `links` and `meta` for a list of `total` items (before paging). */
export function envelope(listing: Listing, total: number): Envelope {
  const { page } = listing;
  if (!page) {
    // The whole list, described as its only page; every link reads the whole list again.
    const self = link(listing, undefined);
    return {
      links: { first: self, last: self, self },
      meta: { page: { last: 1, number: 1, size: Math.max(total, 1) }, total },
    };
  }
  const last = Math.max(1, Math.ceil(total / page.size));
  const at = (number: number) => link(listing, { number, size: page.size });
  const links: PageLinks = {
    first: at(1),
    last: at(last),
    ...(page.number < last ? { next: at(page.number + 1) } : {}),
    // Past the end, `prev` leads back to the last page.
    ...(page.number > 1 ? { prev: at(Math.min(page.number - 1, last)) } : {}),
    self: at(page.number),
  };
  return { links, meta: { page: { last, number: page.number, size: page.size }, total } };
}

/** The page of an in-memory list (all of it without page parameters), with its envelope. */
export function pageOf<T>(items: readonly T[], listing: Listing): { items: T[]; envelope: Envelope } {
  const { page } = listing;
  const slice = page ? items.slice((page.number - 1) * page.size, page.number * page.size) : [...items];
  return { items: slice, envelope: envelope(listing, items.length) };
}

/** OFFSET/LIMIT of the page for a database query; undefined reads everything. */
export function window(listing: Listing): { offset: number; limit: number } | undefined {
  const { page } = listing;
  return page && { offset: (page.number - 1) * page.size, limit: page.size };
}
