import { z } from 'zod';
import { badRequest } from '../../platform/http/errors.js';
import { queryValue } from '../../platform/http/query.js';
import { parseRfc3339 } from '../../platform/rfc3339.js';
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
