import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEGINNER, createCharacter } from '../src/character/testing/support.js';
import { startTestApp, type TestApp, tenantHeaders } from './support/app.js';

/**
 * Thousands of random requests across every route of every service: random methods, paths built from the
 * real routes with hostile segments, query strings, tenant headers and bodies (NUL, invalid UTF-8
 * percent-escapes, lone surrogates, huge and negative numbers, wrong JSON types, malformed JSON). The
 * generator is seeded, so a failure names a seed and an index that reproduce it. Not one answer may be a
 * 5xx, and every request must get an answer.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 4000);
const CONCURRENCY = 16;

/** mulberry32: small, fast, deterministic. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof generator>;

const ROUTE = '8d3a8d64-7a4f-4d6b-8e3a-1c5b2e9f0a11';
const NIL = '00000000-0000-0000-0000-000000000000';
/** Path segments, already percent-encoded as they go on the wire. */
const SEGMENTS = [
  '1',
  '0',
  '-1',
  '4294967295',
  '4294967296',
  '99999999999999999999999',
  '1e3',
  '0x10',
  '%201',
  '%00',
  'a%00b',
  'FREE%00MARKET',
  'FREE_MARKET',
  '%FF',
  '%ED%A0%80',
  '%ZZ',
  '%',
  '%C3%A9',
  'x'.repeat(300),
  '',
  ROUTE,
  NIL,
  `${ROUTE}%00`,
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '..',
  '.',
  '%2F',
  '%2e%2e',
  '%F0%9F%92%A9',
];
const TEMPLATES = [
  '/api/characters',
  '/api/characters/name-validity',
  '/api/characters/{}',
  '/api/characters/{}/sessions',
  '/api/characters/{}/sessions/playtime',
  '/api/characters/{}/locations',
  '/api/characters/{}/locations/{}',
  '/api/transports/routes',
  '/api/transports/routes/{}',
  '/api/transports/instance-routes',
  '/api/transports/instance-routes/{}',
  '/api/transports/instance-routes/{}/status',
  '/api/transports/instance-routes/{}/start',
  '/api/worlds/{}/channels/{}/maps/{}/characters',
  '/api/worlds/{}/channels/{}/maps/{}/instances/{}/characters',
  '/api/worlds/{}/channels/{}/maps/{}/instances/{}/characters/',
  '/api/admin/dead-letters',
  '/api/admin/dead-letters/{}',
  '/api/admin/dead-letters/{}/retry',
  '/api/admin/errors',
  '/api/admin/tenants',
  '/api/transports/vessels',
  '/console',
  '/console/{}',
  '/healthz',
  '/readyz',
  '/api/metrics',
  '/api/nothing',
  '/',
  '//api//characters',
];
const QUERY_NAMES = [
  'name',
  'accountId',
  'worldId',
  'mapId',
  'since',
  'page[number]',
  'page[size]',
  'page%5Bsize%5D',
  'include',
  'fields[characters]',
  'fields[routes]',
  'fields[pets]',
  'fields[saved-locations]',
  'filter[startMapId]',
  '%00',
  '__proto__',
  'limit',
  'fields%5Bcharacters%5D',
  '%ZZ',
];
const QUERY_VALUES = [
  ...SEGMENTS,
  'Atlas',
  'schedule',
  'mapId,x,y',
  'bogus',
  'name,bogus',
  '-5',
  '2026-01-01T00:00:00Z',
  '+',
  '1&name=2',
  '%E0%A4%A',
];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const NUMBERS: unknown[] = [
  0,
  1,
  -1,
  255,
  256,
  65535,
  65536,
  4294967295,
  4294967296,
  1e308,
  -1e308,
  1.5,
  2 ** 53,
  '1',
  null,
  true,
  [],
  {},
  'a\u0000b',
];
const ATTRIBUTES = [
  'accountId',
  'worldId',
  'name',
  'level',
  'strength',
  'dexterity',
  'intelligence',
  'luck',
  'maxHp',
  'maxMp',
  'jobId',
  'skinColor',
  'gender',
  'hair',
  'face',
  'mapId',
  'gm',
  'portalId',
  'characterId',
  'channelId',
  'hp',
  'meso',
  'sp',
  'x',
  'y',
  'stance',
  'note\u0000',
];
const TYPES = ['characters', 'saved-locations', 'start-transport', 'routes', 'x\u0000', '', 7];

function body(r: Random): string | undefined {
  switch (r.int(8)) {
    case 0:
      return undefined;
    case 1:
      return r.pick([
        '{',
        '{"data":',
        'null',
        '[]',
        '"x"',
        '1e999999',
        '{"data":null}',
        '\u0000',
        '{"a":"\\ud800"}',
      ]);
    case 2:
      return 'x'.repeat(r.int(5000));
    default: {
      const attributes: Record<string, unknown> = {};
      for (let i = r.int(8); i > 0; i--) {
        const name = r.pick(ATTRIBUTES);
        attributes[name] =
          name === 'name' ? r.pick(['Atlas', 'a\u0000b', '\ud800', 'x'.repeat(50), 'Fuzz']) : r.pick(NUMBERS);
      }
      const data: Record<string, unknown> = { type: r.pick(TYPES), attributes };
      if (r.int(3) === 0) data.id = r.pick(['1', 'x', '', 5, '\u0000']);
      return JSON.stringify({ data });
    }
  }
}

function headers(r: Random): Record<string, string> {
  const tenant = tenantHeaders();
  switch (r.int(6)) {
    case 0:
      return {};
    case 1:
      return { ...tenant, TENANT_ID: r.pick(['nope', NIL, '', `${ROUTE}x`]) };
    case 2:
      return { ...tenant, MAJOR_VERSION: r.pick(['65536', '-1', 'x', '99999999999999999999']) };
    default:
      return tenant;
  }
}

function request(r: Random): {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
} {
  if (r.int(5) < 2) return nearlyValid(r);
  let path = r.pick(TEMPLATES).replaceAll('{}', () => r.pick(SEGMENTS));
  if (r.int(2) === 0) {
    const pairs: string[] = [];
    for (let i = r.int(4) + 1; i > 0; i--) pairs.push(`${r.pick(QUERY_NAMES)}=${r.pick(QUERY_VALUES)}`);
    path += `?${pairs.join('&')}`;
  }
  const method = r.pick(METHODS);
  const sent = method === 'GET' || method === 'HEAD' ? (r.int(10) === 0 ? body(r) : undefined) : body(r);
  return {
    method,
    path,
    headers: { ...headers(r), 'content-type': 'application/json' },
    ...(sent ? { body: sent } : {}),
  };
}

/** Real ids, so that nearly valid requests reach the handlers and the database. */
const real = { characters: [] as number[], routes: [] as string[], instanceRoutes: [] as string[] };

/** A real route with a real id and a valid body, one part of which may be hostile: reaches the writes. */
function nearlyValid(r: Random): ReturnType<typeof request> {
  const hostile = () => r.pick([...NUMBERS, 'a\u0000b', '\ud800', 'Fuzzed', '']);
  const mutate = (attributes: Record<string, unknown>) => {
    if (r.int(2) === 0) attributes[r.pick(Object.keys(attributes))] = hostile();
    return attributes;
  };
  const character = r.pick(real.characters);
  const name = `F${r.int(1_000_000)}`;
  const options: Array<[string, string, unknown]> = [
    ['POST', '/api/characters', { data: { type: 'characters', attributes: mutate({ ...BEGINNER, name }) } }],
    [
      'PATCH',
      `/api/characters/${character}`,
      { data: { type: 'characters', attributes: mutate({ name, level: 5 }) } },
    ],
    ['DELETE', `/api/characters/${r.pick([character, 999999])}`, undefined],
    [
      'GET',
      `/api/characters/${character}?fields[characters]=${r.pick(['mapId,x', 'bogus', '%00'])}`,
      undefined,
    ],
    [
      'GET',
      `/api/characters?name=${r.pick(['Atlas', 'a%00b', '%ZZ'])}&worldId=${r.pick(['0', '-1', '256'])}`,
      undefined,
    ],
    [
      r.pick(['PUT', 'GET', 'DELETE']),
      `/api/characters/${character}/locations/${r.pick(['FREE_MARKET', 'FREE%00MARKET', '%00', 'x'.repeat(70)])}`,
      { data: { type: 'saved-locations', attributes: mutate({ mapId: 100000000, portalId: 1 }) } },
    ],
    [
      'GET',
      `/api/characters/${character}/sessions/playtime?since=${r.pick(['0', '-1', '99999999999999999999', '%00'])}`,
      undefined,
    ],
    ['GET', `/api/transports/routes/${r.pick(real.routes)}?include=schedule`, undefined],
    ['GET', `/api/transports/instance-routes/${r.pick(real.instanceRoutes)}/status`, undefined],
    [
      'POST',
      `/api/transports/instance-routes/${r.pick(real.instanceRoutes)}/start`,
      {
        data: {
          type: 'start-transport',
          attributes: mutate({ characterId: character, worldId: 0, channelId: 1 }),
        },
      },
    ],
  ];
  const [method, path, document] = r.pick(options);
  return {
    method,
    path,
    headers: { ...tenantHeaders(), 'content-type': 'application/json' },
    ...(document === undefined || method === 'GET' || method === 'DELETE'
      ? {}
      : { body: JSON.stringify(document) }),
  };
}

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  for (const name of ['Atlas', 'Boat', 'Rider']) real.characters.push(await createCharacter(t, { name }));
  const ids = async (path: string) => {
    const response = await fetch(`${t.url}${path}`, { headers: tenantHeaders() });
    return ((await response.json()) as { data: Array<{ id: string }> }).data.map((resource) => resource.id);
  };
  real.routes = await ids('/api/transports/routes');
  real.instanceRoutes = await ids('/api/transports/instance-routes');
});

afterAll(async () => {
  await t.app.close();
});

function send(agent: http.Agent, url: URL, req: ReturnType<typeof request>): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        // Framed explicitly: Node's client would otherwise write a GET's body unframed onto the connection.
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body ?? '')) },
        agent,
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.once('error', reject);
    outgoing.end(req.body);
  });
}

describe('fuzzing every route', () => {
  it(`${REQUESTS} seeded random requests (seed ${SEED}) get an answer, and none is a 5xx`, async () => {
    const r = generator(SEED);
    const requests = Array.from({ length: REQUESTS }, () => request(r));
    const url = new URL(t.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const req = requests[index]!;
        try {
          const status = await send(agent, url, req);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500)
            failures.push(`#${index} ${req.method} ${req.path} ${req.body ?? ''} -> ${status}`);
        } catch (error) {
          failures.push(`#${index} ${req.method} ${req.path} -> no answer: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    console.log(
      `fuzz seed ${SEED}: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
    );
    expect(failures).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    // Variety: the generator reaches handlers (2xx), validation (400) and routing (301, 404, 405).
    for (const status of [200, 201, 204, 301, 400, 404, 405])
      expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  }, 60_000);
});
