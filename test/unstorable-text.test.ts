import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCharacter, sql } from '../src/character/testing/support.js';
import { startTestApp, type TestApp, tenantHeaders } from './support/app.js';

/**
 * Text PostgreSQL cannot store (NUL; an unpaired surrogate in jsonb) or that is not UTF-8 at all is answered
 * 400 naming the input, in every service, before a statement runs; nothing is written.
 */
let t: TestApp;
let id: number;

beforeAll(async () => {
  t = await startTestApp();
  id = await createCharacter(t, { name: 'Holder' });
});

afterAll(async () => {
  await t.app.close();
});

async function send(method: string, path: string, body?: string) {
  const response = await fetch(`${t.url}/api${path}`, {
    method,
    headers: { ...tenantHeaders(), 'content-type': 'application/json' },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { errors: Array<Record<string, unknown>> },
  };
}

const location = JSON.stringify({ data: { type: 'saved-locations', attributes: { mapId: 1, portalId: 0 } } });
const WORLD = '/worlds/0/channels/1/maps/100000000';
const ROUTE = '8d3a8d64-7a4f-4d6b-8e3a-1c5b2e9f0a11';

// [method, path, body, expected source]
const CASES: Array<[string, () => string, string | undefined, Record<string, string>]> = [
  ['GET', () => `/characters/${id}/locations/%00`, undefined, { parameter: 'type' }],
  ['PUT', () => `/characters/${id}/locations/%00`, location, { parameter: 'type' }],
  ['DELETE', () => `/characters/${id}/locations/%00`, undefined, { parameter: 'type' }],
  ['PUT', () => `/characters/${id}/locations/FREE%00MARKET`, location, { parameter: 'type' }],
  ['GET', () => `/characters/${id}/locations/FREE%00MARKET`, undefined, { parameter: 'type' }],
  ['GET', () => '/characters?name=a%00b', undefined, { parameter: 'name' }],
  ['GET', () => '/characters?a%00b=1', undefined, { parameter: 'a\u0000b' }],
  ['GET', () => '/characters/name-validity?name=%00&worldId=0', undefined, { parameter: 'name' }],
  ['GET', () => '/characters?name=%ZZ', undefined, { parameter: 'name' }],
  ['GET', () => '/characters?name=%ED%A0%80', undefined, { parameter: 'name' }],
  ['GET', () => `/characters/${id}/sessions?since=%00`, undefined, { parameter: 'since' }],
  [
    'POST',
    () => '/characters',
    JSON.stringify({
      data: { type: 'characters', attributes: { name: 'a\u0000b', accountId: 1, worldId: 0 } },
    }),
    { pointer: '/data/attributes/name' },
  ],
  [
    'PATCH',
    () => `/characters/${id}`,
    '{"data":{"type":"characters","attributes":{"name":"Lone\\ud800"}}}',
    { pointer: '/data/attributes/name' },
  ],
  [
    'PUT',
    () => `/characters/${id}/locations/FM`,
    '{"data":{"type":"saved-locations","attributes":{"mapId":1,"portalId":0,"note\\u0000":1}}}',
    { pointer: '/data/attributes/note\u0000' },
  ],
  ['GET', () => '/transports/routes?filter[startMapId]=%00', undefined, { parameter: 'filter[startMapId]' }],
  ['GET', () => `/transports/routes/${ROUTE}%00`, undefined, { parameter: 'routeId' }],
  [
    'POST',
    () => `/transports/instance-routes/${ROUTE}/start`,
    '{"data":{"type":"start-transport\\u0000","attributes":{}}}',
    { pointer: '/data/type' },
  ],
  ['GET', () => `${WORLD}/instances/%00/characters`, undefined, { parameter: 'instanceId' }],
  ['GET', () => '/worlds/0%00/channels/1/maps/1/characters', undefined, { parameter: 'worldId' }],
];

describe('text the database cannot store', () => {
  it.each(CASES)('%s %s answers 400 naming it', async (method, path, body, source) => {
    const before = await sql(
      t,
      'SELECT (SELECT count(*) FROM saved_locations) AS l, (SELECT count(*) FROM characters) AS c',
    );
    const answer = await send(method, path(), body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({ status: '400', source });
    expect(
      await sql(
        t,
        'SELECT (SELECT count(*) FROM saved_locations) AS l, (SELECT count(*) FROM characters) AS c',
      ),
    ).toEqual(before);
  });

  it('a path parameter that is not UTF-8 once decoded is 400, not a 500', async () => {
    const answer = await send('GET', `/characters/${id}/locations/%FF%FE`);
    expect(answer.status).toBe(400);
  });
});
