import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import type { Tenant } from '../../platform/tenant.js';
import { call, createCharacter } from '../testing/support.js';

let t: TestApp;
const ids: Record<string, number> = {};

interface ListDocument {
  data: Array<{ id: string; attributes: { name: string } }>;
  meta?: { page: { number: number; size: number; total: number; pages: number } };
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

  it('lists nothing as {"data":[]}', async () => {
    const answer = await call(t, 'GET', '/characters?accountId=999');
    expect(answer.text).toBe('{"data":[]}');
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

describe('pagination', () => {
  it('pages in id order with meta', async () => {
    const answer = await call(t, 'GET', '/characters?page[number]=2&page[size]=2');
    const doc = answer.body as ListDocument;
    expect(doc.data.map((r) => r.attributes.name)).toEqual(['Charlie']);
    expect(doc.meta).toEqual({ page: { number: 2, size: 2, total: 3, pages: 2 } });
  });

  it('has no meta without page parameters', async () => {
    expect((await call(t, 'GET', '/characters')).body).not.toHaveProperty('meta');
  });

  it('pages a filtered list', async () => {
    const doc = (await call(t, 'GET', '/characters?accountId=1&page[size]=1')).body as ListDocument;
    expect(doc.data.map((r) => r.attributes.name)).toEqual(['Alpha']);
    expect(doc.meta?.page.total).toBe(2);
  });

  it.each(['page[size]=0', 'page[size]=251', 'page[number]=x'])('refuses %s', async (query) => {
    expect((await call(t, 'GET', `/characters?${query}`)).status).toBe(400);
  });
});

describe('GET /api/characters/name-validity (decisions B1)', () => {
  it.each([
    ['NewHero', { valid: true }],
    ['ab', { valid: false, reason: 'length', detail: 'Name must be 3-12 characters.' }],
    ['ThirteenChars', { valid: false, reason: 'length', detail: 'Name must be 3-12 characters.' }],
    ['ab!@', { valid: false, reason: 'regex', detail: 'Name contains invalid characters.' }],
    ['alpha', { valid: false, reason: 'duplicate', detail: 'Name already taken.' }],
    ['Outsider', { valid: true }],
  ])('%s', async (name, expected) => {
    const answer = await call(t, 'GET', `/characters/name-validity?name=${name}&worldId=1`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expected);
  });

  it.each(['worldId=0', 'name=Hero', 'name=Hero&worldId=abc'])('refuses %s', async (query) => {
    expect((await call(t, 'GET', `/characters/name-validity?${query}`)).status).toBe(400);
  });
});
