import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCharacter } from '../src/character/testing/support.js';
import { startTestApp, type TestApp, tenantHeaders } from './support/app.js';

/** What gorilla/mux (StrictSlash) and the Go handlers answer, across every service of one application. */
let t: TestApp;
let atlas: number;

beforeAll(async () => {
  t = await startTestApp();
  atlas = await createCharacter(t, { name: 'Atlas' });
  await createCharacter(t, { name: 'Other' });
});

afterAll(async () => {
  await t.app.close();
});

async function raw(method: string, path: string, headers: Record<string, string> = tenantHeaders()) {
  const response = await fetch(`${t.url}${path}`, { method, headers, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

const ROUTE = '/api/transports/routes';
const INSTANCE = '00000000-0000-0000-0000-000000000000';
const noTenant = {};

describe('wrong methods', () => {
  it.each([
    ['PUT', ROUTE],
    ['DELETE', `${ROUTE}/8d3a8d64-7a4f-4d6b-8e3a-1c5b2e9f0a11`],
    ['GET', '/api/transports/instance-routes/8d3a8d64-7a4f-4d6b-8e3a-1c5b2e9f0a11/start'],
    ['POST', '/api/characters/1'],
    ['PATCH', '/api/characters/1/locations/FREE_MARKET'],
    ['POST', '/api/worlds/0/channels/1/maps/100000000/characters'],
  ])(
    '%s %s answers 405 with a JSON:API error and Allow, with or without tenant headers',
    async (method, path) => {
      for (const headers of [tenantHeaders(), noTenant]) {
        const answer = await raw(method, path, headers);
        expect(answer.status).toBe(405);
        expect(JSON.parse(answer.text)).toMatchObject({
          errors: [{ status: '405', title: 'Method Not Allowed' }],
        });
        expect(answer.headers.get('allow')).toBeTruthy();
        expect(answer.headers.get('allow')).not.toContain(method);
      }
    },
  );

  it('HEAD is a wrong method, as for Go routes that serve GET', async () => {
    for (const path of [ROUTE, `/api/characters/${atlas}`, '/api/characters']) {
      const answer = await raw('HEAD', path);
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toContain('GET');
    }
  });

  it('an unknown path stays 404', async () => {
    expect((await raw('GET', '/api/transports/nope')).status).toBe(404);
    expect((await raw('PUT', '/api/nothing/here')).status).toBe(404);
  });
});

describe('trailing slashes', () => {
  it.each([
    [`${ROUTE}/`, ROUTE],
    ['/api/characters/?name=Atlas&x=1', '/api/characters?name=Atlas&x=1'],
    ['/api/characters/1//', '/api/characters/1'],
    [
      '/api/worlds/0/channels/1/maps/100000000/characters/',
      '/api/worlds/0/channels/1/maps/100000000/characters',
    ],
  ])('GET %s is redirected 301 to %s', async (path, location) => {
    const answer = await raw('GET', path);
    expect(answer.status).toBe(301);
    expect(answer.headers.get('location')).toBe(location);
  });

  it("the instance form HEAD's clients call with a slash is served directly", async () => {
    const path = `/api/worlds/0/channels/1/maps/100000000/instances/${INSTANCE}/characters`;
    const withSlash = await raw('GET', `${path}/`);
    expect(withSlash.status).toBe(200);
    // The same characters; the pagination links name the path as it was asked.
    const data = (text: string) => (JSON.parse(text) as { data: unknown }).data;
    expect(data(withSlash.text)).toEqual(data((await raw('GET', path)).text));
  });

  it('a wrong method on a slash path is 405, not a redirect', async () => {
    expect((await raw('DELETE', `${ROUTE}/`)).status).toBe(405);
  });
});

describe('query parameters', () => {
  it('a repeated parameter means its first value', async () => {
    const answer = await call(t, 'GET', '/characters?name=Atlas&name=Other');
    const data = (answer.body as { data: Array<{ attributes: { name: string } }> }).data;
    expect(data.map((c) => c.attributes.name)).toEqual(['Atlas']);
    const page = await call(t, 'GET', '/characters?page[size]=1&page[size]=500');
    expect(page.status).toBe(200);
  });

  it('fields of a type the service does not serve are ignored; an unknown field of a served type is 400', async () => {
    const ignored = await call(t, 'GET', `/characters/${atlas}?fields[pets]=name`);
    expect(ignored.status).toBe(200);
    expect(await call(t, 'GET', '/transports/routes?fields[characters]=name')).toMatchObject({ status: 200 });
    const wrong = await call(t, 'GET', `/characters/${atlas}?fields[characters]=name,bogus`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ errors: [{ source: { parameter: 'fields[characters]' } }] });
  });

  it('an unknown instance route has no status: 404', async () => {
    const answer = await call(
      t,
      'GET',
      '/transports/instance-routes/8d3a8d64-7a4f-4d6b-8e3a-1c5b2e9f0a11/status',
    );
    expect(answer.status).toBe(404);
  });
});
