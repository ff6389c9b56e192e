import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { attributesOf, BEGINNER, call, createCharacter } from '../testing/support.js';

let t: TestApp;
let id: number;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
  id = await createCharacter(t, { name: 'Target' });
});

afterAll(async () => {
  await t.app.close();
});

const character = (attributes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  data: { type: 'characters', attributes, ...extra },
});
const location = (attributes: Record<string, unknown>) => ({ data: { type: 'saved-locations', attributes } });
const longType = 'L'.repeat(65);

// [what, method, path, body, text the error names]
const CASES: Array<[string, string, () => string, unknown, string]> = [
  ['POST malformed JSON', 'POST', () => '/characters', '{"data":', 'malformed JSON'],
  [
    'POST a wrong data.type',
    'POST',
    () => '/characters',
    { data: { type: 'character', attributes: BEGINNER } },
    'data.type',
  ],
  ['POST no data', 'POST', () => '/characters', { type: 'characters' }, 'data'],
  ['POST a non-numeric data.id', 'POST', () => '/characters', character(BEGINNER, { id: 'abc' }), 'data.id'],
  [
    'POST without accountId',
    'POST',
    () => '/characters',
    character({ ...BEGINNER, accountId: undefined }),
    'accountId',
  ],
  ['POST without name', 'POST', () => '/characters', character({ ...BEGINNER, name: undefined }), 'name'],
  [
    'POST a negative accountId',
    'POST',
    () => '/characters',
    character({ ...BEGINNER, accountId: -1 }),
    'accountId',
  ],
  [
    'POST accountId over uint32',
    'POST',
    () => '/characters',
    character({ ...BEGINNER, accountId: 2 ** 32 }),
    'accountId',
  ],
  [
    'POST worldId over uint8',
    'POST',
    () => '/characters',
    character({ ...BEGINNER, worldId: 256 }),
    'worldId',
  ],
  [
    'POST strength over uint16',
    'POST',
    () => '/characters',
    character({ ...BEGINNER, strength: 65536 }),
    'strength',
  ],
  ['POST a fractional level', 'POST', () => '/characters', character({ ...BEGINNER, level: 1.5 }), 'level'],
  ['POST a string number', 'POST', () => '/characters', character({ ...BEGINNER, hair: '30030' }), 'hair'],
  ['POST a negative gm', 'POST', () => '/characters', character({ ...BEGINNER, gm: -1 }), 'gm'],
  ['GET a non-numeric id', 'GET', () => '/characters/abc', undefined, 'characterId'],
  ['GET a negative id', 'GET', () => '/characters/-1', undefined, 'characterId'],
  ['GET an id over uint32', 'GET', () => '/characters/4294967296', undefined, 'characterId'],
  ['PATCH malformed JSON', 'PATCH', () => `/characters/${id}`, '{oops}', 'malformed JSON'],
  [
    'PATCH a wrong data.type',
    'PATCH',
    () => `/characters/${id}`,
    { data: { type: 'x', attributes: {} } },
    'data.type',
  ],
  ['PATCH a non-numeric id', 'PATCH', () => '/characters/abc', character({ hair: 30040 }), 'characterId'],
  ['PATCH a negative hair', 'PATCH', () => `/characters/${id}`, character({ hair: -1 }), 'hair'],
  ['PATCH gender over uint8', 'PATCH', () => `/characters/${id}`, character({ gender: 256 }), 'gender'],
  ['PATCH a fractional map', 'PATCH', () => `/characters/${id}`, character({ mapId: 100.5 }), 'mapId'],
  ['PATCH a numeric name', 'PATCH', () => `/characters/${id}`, character({ name: 42 }), 'name'],
  ['DELETE a non-numeric id', 'DELETE', () => '/characters/1x', undefined, 'characterId'],
  ['sessions of a non-numeric id', 'GET', () => '/characters/x/sessions', undefined, 'characterId'],
  ['sessions since garbage', 'GET', () => `/characters/${id}/sessions?since=yesterday`, undefined, 'since'],
  // Go's time.Parse range-checks every field where Date.parse rolls over.
  [
    'sessions since 30 February',
    'GET',
    () => `/characters/${id}/sessions?since=2026-02-30T00:00:00Z`,
    undefined,
    'since',
  ],
  [
    'playtime since hour 24',
    'GET',
    () => `/characters/${id}/sessions/playtime?since=2026-02-18T24:00:00Z`,
    undefined,
    'since',
  ],
  [
    'playtime since garbage',
    'GET',
    () => `/characters/${id}/sessions/playtime?since=1.5`,
    undefined,
    'since',
  ],
  [
    'a location type over 64',
    'GET',
    () => `/characters/${id}/locations/${longType}`,
    undefined,
    'location type',
  ],
  [
    'PUT a location type over 64',
    'PUT',
    () => `/characters/${id}/locations/${longType}`,
    location({ mapId: 1, portalId: 0 }),
    'location type',
  ],
  [
    'DELETE a location type over 64',
    'DELETE',
    () => `/characters/${id}/locations/${longType}`,
    undefined,
    'location type',
  ],
  [
    'PUT a location without mapId',
    'PUT',
    () => `/characters/${id}/locations/FM`,
    location({ portalId: 0 }),
    'mapId',
  ],
  [
    'PUT a negative portal',
    'PUT',
    () => `/characters/${id}/locations/FM`,
    location({ mapId: 1, portalId: -1 }),
    'portalId',
  ],
  [
    'PUT a wrong data.type',
    'PUT',
    () => `/characters/${id}/locations/FM`,
    character({ mapId: 1, portalId: 0 }),
    'data.type',
  ],
  ['PUT malformed JSON', 'PUT', () => `/characters/${id}/locations/FM`, '[', 'malformed JSON'],
  [
    'PUT a location of a non-numeric id',
    'PUT',
    () => '/characters/x/locations/FM',
    location({ mapId: 1, portalId: 0 }),
    'characterId',
  ],
];

describe('bad input answers 400 naming the problem', () => {
  it.each(CASES)('%s', async (_, method, path, body, named) => {
    const answer = await call(t, method, path(), body);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const error = (answer.body as { errors: Array<{ status: string; detail: string; source?: object }> })
      .errors[0]!;
    expect(error.status).toBe('400');
    expect(`${error.detail} ${JSON.stringify(error.source ?? {})}`).toContain(named);
  });

  it('left the target character untouched', async () => {
    expect(await attributesOf(t, id)).toMatchObject({ name: 'Target', hair: 30030, gender: 0, mapId: 10000 });
    expect((await call(t, 'GET', `/characters/${id}/locations/FM`)).status).toBe(404);
  });

  it('refuses a request without tenant headers', async () => {
    const response = await fetch(`${t.url}/api/characters/${id}`);
    expect(response.status).toBe(400);
  });

  it('answers 405 for a method the path does not serve', async () => {
    expect((await call(t, 'PUT', `/characters/${id}`, character({}))).status).toBe(405);
    expect((await call(t, 'DELETE', '/characters')).status).toBe(405);
  });
});
