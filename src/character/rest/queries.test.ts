import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import type { Tenant } from '../../platform/tenant.js';
import { call, createCharacter, sql } from '../testing/support.js';

let t: TestApp;
const ids: Record<string, number> = {};

interface ListDocument {
  links: { first: string; last: string; next?: string; prev?: string; self: string };
  data: Array<{ id: string; attributes: { name: string } }>;
  meta: { page: { last: number; number: number; size: number }; total: number };
}

const names = async (path: string, tenant: Tenant = TENANT) => {
  const answer = await call(t, 'GET', path, undefined, tenant);
  expect(answer.status).toBe(200);
  return (answer.body as ListDocument).data.map((r) => r.attributes.name);
};

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
  // account 1: world 0 in map 100 and world 1 in map 100; account 2: world 0 in map 200.
  ids.Alpha = await createCharacter(t, { name: 'Alpha', accountId: 1, worldId: 0, mapId: 100 });
  ids.Bravo = await createCharacter(t, { name: 'Bravo', accountId: 1, worldId: 1, mapId: 100 });
  ids.Charlie = await createCharacter(t, { name: 'Charlie', accountId: 2, worldId: 0, mapId: 200 });
  ids.Outsider = await createCharacter(
    t,
    { name: 'Outsider', accountId: 1, worldId: 0, mapId: 100 },
    OTHER_TENANT,
  );
});

afterAll(async () => {
  await t.app.close();
});

describe('GET /api/characters routing (decisions B11)', () => {
  it.each([
    ['accountId and worldId', '?accountId=1&worldId=0', ['Alpha']],
    ['accountId alone, across worlds', '?accountId=1', ['Alpha', 'Bravo']],
    ['worldId=0 and mapId', '?worldId=0&mapId=100', ['Alpha']],
    ['worldId=1 and mapId', '?worldId=1&mapId=100', ['Bravo']],
    ['a name in another case', '?name=cHARLIE', ['Charlie']],
    ['an unknown name', '?name=Nobody', []],
    ['no filter: the whole tenant', '', ['Alpha', 'Bravo', 'Charlie']],
    ['include alone', '?include=inventory', ['Alpha', 'Bravo', 'Charlie']],
  ])('%s', async (_, query, expected) => {
    expect(await names(`/characters${query}`)).toEqual(expected);
  });

  it('shows another tenant only its own characters', async () => {
    expect(await names('/characters', OTHER_TENANT)).toEqual(['Outsider']);
  });

  it('lists nothing as an empty page', async () => {
    const answer = await call(t, 'GET', '/characters?accountId=999');
    expect(answer.text).toBe(
      '{"links":{"first":"/api/characters?accountId=999","last":"/api/characters?accountId=999",' +
        '"self":"/api/characters?accountId=999"},"data":[],"meta":{"page":{"last":1,"number":1,"size":1},"total":0}}',
    );
  });

  it.each([
    ['accountId=abc', 'accountId'],
    ['accountId=', 'accountId'],
    ['accountId=-1', 'accountId'],
    ['worldId=256', 'worldId'],
    ['mapId=4294967296', 'mapId'],
    ['accountId=1.5', 'accountId'],
  ])('refuses %s with 400 naming it', async (query, parameter) => {
    const answer = await call(t, 'GET', `/characters?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ source: { parameter } }] });
  });
});

describe('pagination (Atlas HEAD)', () => {
  it('pages in id order with HEAD links and meta', async () => {
    const doc = (await call(t, 'GET', '/characters?page[number]=2&page[size]=2')).body as ListDocument;
    expect(doc.data.map((r) => r.attributes.name)).toEqual(['Charlie']);
    expect(doc.meta).toEqual({ page: { last: 2, number: 2, size: 2 }, total: 3 });
    expect(doc.links).toEqual({
      first: '/api/characters?page%5Bnumber%5D=1&page%5Bsize%5D=2',
      last: '/api/characters?page%5Bnumber%5D=2&page%5Bsize%5D=2',
      prev: '/api/characters?page%5Bnumber%5D=1&page%5Bsize%5D=2',
      self: '/api/characters?page%5Bnumber%5D=2&page%5Bsize%5D=2',
    });
  });

  it('answers the whole list without page parameters, as one page', async () => {
    const doc = (await call(t, 'GET', '/characters')).body as ListDocument;
    expect(doc.data).toHaveLength(3);
    expect(doc.meta).toEqual({ page: { last: 1, number: 1, size: 3 }, total: 3 });
  });

  it('pages a filtered list, keeping the filter in its links', async () => {
    const doc = (await call(t, 'GET', '/characters?accountId=1&page[size]=1')).body as ListDocument;
    expect(doc.data.map((r) => r.attributes.name)).toEqual(['Alpha']);
    expect(doc.meta.total).toBe(2);
    expect(doc.links.next).toBe('/api/characters?accountId=1&page%5Bnumber%5D=2&page%5Bsize%5D=1');
  });

  it.each(['page[size]=0', 'page[size]=251', 'page[number]=x', 'page[number]=-1', 'limit=5'])(
    'refuses %s with a 400',
    async (query) => {
      const answer = await call(t, 'GET', `/characters?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ errors: [{ status: '400', detail: 'invalid page parameter' }] });
    },
  );

  describe('600 characters of one account', () => {
    const DRAIN: Tenant = {
      id: '9d6c1a2e-3b4f-4c5d-8e9f-a0b1c2d3e4f5',
      region: 'GMS',
      majorVersion: 83,
      minorVersion: 1,
    };
    beforeAll(async () => {
      await sql(
        t,
        `INSERT INTO characters (tenant_id, account_id, world, name)
         SELECT $1, 42, 0, 'Drain' || g FROM generate_series(1, 600) AS g`,
        [DRAIN.id],
      );
    });
    const page = async (query: string) =>
      (await call(t, 'GET', `/characters?${query}`, undefined, DRAIN)).body as ListDocument;

    it('are all read by a Go drain (DrainProvider: size 250, pages 1..meta.page.last)', async () => {
      const seen: string[] = [];
      let last = 1;
      for (let number = 1; number <= last; number++) {
        const doc = await page(`accountId=42&worldId=0&page[number]=${number}&page[size]=250`);
        seen.push(...doc.data.map((r) => r.id));
        last = doc.meta.page.last;
      }
      expect(last).toBe(3);
      expect(seen).toHaveLength(600);
      expect(new Set(seen).size).toBe(600);
      expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
    });

    it("are all read by the web UI's fetchAll (page 1 at 250, then 2..last)", async () => {
      const first = await page('page[number]=1&page[size]=250');
      const rest = await Promise.all(
        Array.from({ length: first.meta.page.last - 1 }, (_, i) =>
          page(`page[number]=${i + 2}&page[size]=250`),
        ),
      );
      expect([first, ...rest].flatMap((d) => d.data)).toHaveLength(600);
    });

    it("fill the web UI's Characters pager (number, last, total, size)", async () => {
      const doc = await page('page[number]=2&page[size]=25');
      const { number, last, size } = doc.meta.page;
      expect(`Page ${number} of ${last} • ${doc.meta.total} results, ${size} a page`).toBe(
        'Page 2 of 24 • 600 results, 25 a page',
      );
      expect(doc.data).toHaveLength(25);
    });
  });
});

describe('GET /api/characters/name-validity (decisions B1)', () => {
  it.each([
    ['NewHero', { valid: true, reserved: false }],
    ['ab', { valid: false, reason: 'length', detail: 'Name must be 3-12 characters.', reserved: false }],
    [
      'ThirteenChars',
      { valid: false, reason: 'length', detail: 'Name must be 3-12 characters.', reserved: false },
    ],
    ['ab!@', { valid: false, reason: 'regex', detail: 'Name contains invalid characters.', reserved: false }],
    ['alpha', { valid: false, reason: 'duplicate', detail: 'Name already taken.', reserved: false }],
    ['Outsider', { valid: true, reserved: false }],
  ])('%s', async (name, expected) => {
    const answer = await call(t, 'GET', `/characters/name-validity?name=${name}&worldId=1`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expected);
  });

  it('checks the whole tenant in both scopes, as creation does (Bravo lives in world 1)', async () => {
    for (const scope of ['WORLD', 'TENANT']) {
      const answer = await call(t, 'GET', `/characters/name-validity?name=bravo&worldId=0&scope=${scope}`);
      expect(answer.body).toMatchObject({ valid: false, reason: 'duplicate' });
    }
  });

  it.each([
    'worldId=0',
    'name=Hero',
    'name=Hero&worldId=abc',
    'name=Hero&worldId=0&scope=GUILD',
    'name=Hero&worldId=0&scope=world',
  ])('refuses %s', async (query) => {
    const answer = await call(t, 'GET', `/characters/name-validity?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ status: '400' }] });
  });
});
