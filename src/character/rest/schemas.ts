import { z } from 'zod';
import { badRequest } from '../../platform/http/errors.js';
import { queryValue } from '../../platform/http/query.js';
import { i32, integer, u8, u16, u32 } from '../../platform/wire/numbers.js';

/** GM level: the reference's Go int; non-negative and within what every client reads. */
const gmLevel = integer(0, 2_147_483_647);

/** POST /characters: accountId, worldId and name are required; the rest default as the table does. */
export const CreateAttributes = z.object({
  accountId: u32,
  worldId: u8,
  name: z.string({ error: 'must be a string' }),
  level: u8.default(1),
  strength: u16.default(12),
  dexterity: u16.default(5),
  intelligence: u16.default(4),
  luck: u16.default(4),
  maxHp: u16.default(50),
  maxMp: u16.default(5),
  jobId: u16.default(0),
  skinColor: u8.default(0),
  gender: u8.default(0),
  hair: u32.default(0),
  face: u32.default(0),
  mapId: u32.default(0),
  gm: gmLevel.default(0),
});

/** Absent or null keeps the value (decisions B10); other attributes are ignored, as in the reference. */
const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => (value === null ? undefined : value));

export const UpdateAttributes = z.object({
  name: optional(z.string({ error: 'must be a string' })),
  hair: optional(u32),
  face: optional(u32),
  gender: optional(u8),
  skinColor: optional(u8),
  // Signed, so that a negative level reaches the reference's own refusal, "invalid GM value".
  gm: optional(i32),
  mapId: optional(u32),
});

export const LocationAttributes = z.object({ mapId: u32, portalId: u32 });

const UINT32_MAX = 4_294_967_295;

type Query = Record<string, unknown>;

/** A decimal integer within [0, max], from a path or query parameter; anything else names itself in a 400. */
export function parseUint(text: string | undefined, name: string, max = UINT32_MAX): number {
  if (text === undefined || !/^\d{1,10}$/.test(text) || Number(text) > max) {
    throw badRequest(`${name} must be an integer from 0 to ${max}`, { parameter: name });
  }
  return Number(text);
}

export const parseCharacterId = (text: string | undefined) => parseUint(text, 'characterId');

/** The `data.id` of a characters document: optional (decisions A: POST may omit it), numeric when given. */
export function checkCharacterDocumentId(id: string | undefined): void {
  if (id === undefined || id === '') return;
  if (!/^[+-]?\d+$/.test(id)) throw badRequest('data.id must be a numeric string', { pointer: '/data/id' });
}

export const MAX_LOCATION_TYPE = 64;

export function parseLocationType(text: string | undefined): string {
  if (!text || [...text].length > MAX_LOCATION_TYPE) {
    throw badRequest(`location type must be 1 to ${MAX_LOCATION_TYPE} characters`, { parameter: 'type' });
  }
  return text;
}

const DAY_MS = 86_400_000;
const MAX_DATE_MS = 8.64e15;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** A UTC instant from calendar fields; years 0-99 are years 0-99, not 1900-1999 as Date.UTC would have them. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/**
 * Go's time.Parse(time.RFC3339, …): fractional seconds accepted, every field range-checked (no 30 February,
 * no hour 24; Date.parse would roll those over), offsets up to ±24:60 as Go allows. NaN when not such a time.
 */
export function parseRfc3339(text: string): number {
  const m = RFC3339.exec(text);
  if (!m) return Number.NaN;
  const field = (n: number) => Number(m[n] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  const daysInMonth = month >= 1 && month <= 12 ? new Date(utc(year, month + 1, 0)).getUTCDate() : 0;
  if (day < 1 || day > daysInMonth || field(4) > 23 || field(5) > 59 || field(6) > 59) return Number.NaN;
  if (field(9) > 24 || field(10) > 60) return Number.NaN;
  const offsetMs = (m[8] === '-' ? -1 : 1) * (field(9) * 60 + field(10)) * 60_000;
  // Milliseconds are the digits that matter here; the rest of the fraction is dropped, not rounded.
  const fractionMs = Number((m[7] ?? '.').slice(1, 4).padEnd(3, '0'));
  return utc(year, month, day, field(4), field(5), field(6)) + fractionMs - offsetMs;
}

/** `since`: Unix seconds, else RFC 3339, else 400; absent or empty means the last 24 hours. */
export function parseSince(query: Query, now: number): number {
  const text = queryValue(query, 'since');
  if (text === undefined || text === '') return now - DAY_MS;
  const ms = /^[+-]?\d+$/.test(text) ? Number(text) * 1000 : parseRfc3339(text);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw badRequest('since must be Unix seconds or an RFC 3339 time', { parameter: 'since' });
  }
  return ms;
}
