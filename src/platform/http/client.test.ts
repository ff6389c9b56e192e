import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT } from '../../../test/support/tenant.js';
import { createLogger } from '../logging.js';
import { AtlasClient, RemoteError } from './client.js';

describe('AtlasClient', () => {
  const requests: http.IncomingHttpHeaders[] = [];
  const urls: string[] = [];
  let base: string;
  let server: http.Server;
  const client = new AtlasClient(500, createLogger('silent'));

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      requests.push(request.headers);
      urls.push(request.url ?? '');
      const send = (status: number, body: string) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      };
      const url = new URL(request.url ?? '/', 'http://upstream');
      switch (url.pathname) {
        case '/paged': {
          // A HEAD-era list of 600 maps, paged as atlas-rest pages it.
          const number = Number(url.searchParams.get('page[number]') ?? 1);
          const size = Number(url.searchParams.get('page[size]') ?? 50);
          const ids = Array.from({ length: 600 }, (_, i) => i + 1).slice((number - 1) * size, number * size);
          const data = ids.map((id) => ({ type: 'maps', id: String(id), attributes: {} }));
          return send(
            200,
            JSON.stringify({
              data,
              meta: { page: { last: Math.ceil(600 / size), number, size }, total: 600 },
            }),
          );
        }
        case '/maps/1':
          return send(200, '{"data":{"type":"maps","id":"1","attributes":{"name":"Ellinia"}}}');
        case '/maps':
          return send(202, '{"data":[{"type":"maps","id":"1","attributes":{}},{"type":"maps","id":2}]}');
        case '/missing':
          return send(404, '');
        case '/garbage':
          return send(200, '<html>');
        case '/not-jsonapi':
          return send(200, '{"name":"x"}');
        case '/wrong-type':
          return send(200, '{"data":{"type":"portals","id":"1","attributes":{}}}');
        case '/slow':
          return; // never answers
        default:
          return send(500, '');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('drains every page of a HEAD-era list, 250 a page, and reads a reference-era list in one request', async () => {
    urls.length = 0;
    const all = await client.getMany(`${base}/paged`, 'maps', TENANT);
    expect(all.map((r) => Number(r.id))).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(urls).toEqual([1, 2, 3].map((n) => `/paged?page%5Bnumber%5D=${n}&page%5Bsize%5D=250`));
    urls.length = 0;
    expect(await client.getMany(`${base}/maps`, 'maps')).toHaveLength(2);
    expect(urls).toHaveLength(1);
  });

  it('GETs one resource with the tenant headers as decimal strings', async () => {
    expect(await client.getOne(`${base}/maps/1`, 'maps', TENANT)).toEqual({
      type: 'maps',
      id: '1',
      attributes: { name: 'Ellinia' },
    });
    const headers = requests.at(-1)!;
    expect(headers.tenant_id).toBe(TENANT.id);
    expect(headers.region).toBe('GMS');
    expect(headers.major_version).toBe('83');
    expect(headers.minor_version).toBe('1');
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('accepts 202 and a list, and reads a numeric id as text', async () => {
    const list = await client.getMany(`${base}/maps`, 'maps');
    expect(list.map((r) => r.id)).toEqual(['1', '2']);
    expect(list[1]!.attributes).toEqual({});
    expect(requests.at(-1)!.tenant_id).toBeUndefined();
  });

  it.each([
    { path: '/missing', status: 404, message: /status 404/ },
    { path: '/boom', status: 500, message: /status 500/ },
    { path: '/garbage', status: 200, message: /invalid JSON/ },
    { path: '/not-jsonapi', status: 200, message: /not a JSON:API document/ },
    { path: '/wrong-type', status: 200, message: /expected type maps, got portals/ },
    { path: '/maps', status: 202, message: /expected a single resource/ },
  ])('$path → RemoteError', async ({ path, status, message }) => {
    const error = await client.getOne(`${base}${path}`, 'maps').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).status).toBe(status);
    expect((error as RemoteError).message).toMatch(message);
    expect((error as RemoteError).url).toBe(`${base}${path}`);
  });

  it('gives up after its timeout', async () => {
    const error = await client.getOne(`${base}/slow`, 'maps').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).status).toBeUndefined();
  });
});
