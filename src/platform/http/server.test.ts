import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TENANT } from '../../../test/support/tenant.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { createLogger } from '../logging.js';
import { Metrics } from '../metrics.js';
import { HttpError, notFound } from './errors.js';
import { applySparseFields, collection, parseRequestDocument, single } from './jsonapi.js';
import { pageOf, parseListing } from './pagination.js';
import { requireTenant } from './scope.js';
import { createHttpServer } from './server.js';

const GO_TENANT_HEADERS = {
  Tenant_id: TENANT.id,
  Region: 'GMS',
  Major_version: '83',
  Minor_version: '1',
};

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with exactly the headers given (fetch would add a content type of its own). */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<RawResponse>((resolve, reject) => {
    const request = http.request(new URL(path, base), { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode!,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    request.on('error', reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

describe('HTTP server', () => {
  const metrics = new Metrics();
  const bus = new MemoryBus({ retryDelaysMs: [] });
  const readiness = { database: true, bus: true };
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    app = createHttpServer({
      logger: createLogger('silent'),
      metrics,
      bus,
      readiness: async () => ({ ...readiness }),
    });
    await app.register(
      async (scope) => {
        scope.addHook('preHandler', requireTenant);
        scope.get('/tenant', async (request) =>
          single({ type: 'tenants', id: request.tenant.id, attributes: { ...request.tenant } }),
        );
        scope.post('/echo', async (request) => ({ body: request.body ?? null }));
        scope.post('/characters', async (request, reply) => {
          const parsed = parseRequestDocument(request.body, 'characters', z.object({ name: z.string() }));
          return reply
            .status(201)
            .send(single({ type: 'characters', id: '1', attributes: parsed.attributes }));
        });
        scope.get('/missing', async () => {
          throw notFound('character 9 not found');
        });
        scope.get('/teapot', async () => {
          throw new HttpError(418, "I'm a teapot", 'short and stout', { parameter: 'x' });
        });
        scope.get('/boom', async () => {
          throw new Error('secret connection string');
        });
        scope.get('/database-down/:code', async (request) => {
          const { code } = request.params as { code: string };
          throw Object.assign(new Error('terminating connection due to administrator command'), { code });
        });
        scope.get('/escaped', async () => ({ name: '<a&b>' }));
        scope.get('/paged', async (request) => {
          const query = request.query as Record<string, unknown>;
          const all = [1, 2, 3, 4, 5].map((n) => ({
            type: 'characters',
            id: String(n),
            attributes: { name: `c${n}`, level: n },
          }));
          const listing = parseListing(request.url, {
            size: 2,
            maxSize: 50,
            invalid: 'invalid page parameter',
          });
          const { items, envelope } = pageOf(all, listing);
          return applySparseFields(collection(items, { envelope }), query, { characters: ['name', 'level'] });
        });
      },
      { prefix: '/api' },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('GET /healthz is 200 application/json', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 with the checks, 503 with Retry-After when one fails', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, bus: true } });

    readiness.database = false;
    try {
      const unready = await fetch(`${base}/readyz`);
      expect(unready.status).toBe(503);
      expect(unready.headers.get('retry-after')).toBe('1');
      expect(unready.headers.get('content-type')).toBe('application/json');
      const body = (await unready.json()) as { errors: Array<{ status: string; meta: unknown }> };
      expect(body.errors[0]!.status).toBe('503');
      expect(body.errors[0]!.meta).toEqual({ database: false, bus: true });
    } finally {
      readiness.database = true;
    }
  });

  it('an unknown route is a 404 JSON:API error with Content-Type exactly application/json', async () => {
    const response = await fetch(`${base}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { errors: Array<{ status: string; title: string }> };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ status: '404', title: 'Not Found' });
  });

  it('a tenant-scoped route without tenant headers is a 400 JSON:API error naming the header', async () => {
    const response = await fetch(`${base}/api/tenant`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      errors: [
        {
          status: '400',
          title: 'Bad Request',
          detail: 'TENANT_ID is not supplied',
          source: { header: 'TENANT_ID' },
        },
      ],
    });
  });

  it('names the first bad tenant header', async () => {
    const response = await fetch(`${base}/api/tenant`, {
      headers: { ...GO_TENANT_HEADERS, Major_version: 'x' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ source: unknown; detail: string }> };
    expect(body.errors[0]!.source).toEqual({ header: 'MAJOR_VERSION' });
    expect(body.errors[0]!.detail).toContain('MAJOR_VERSION');
  });

  it('reads the tenant from headers spelled as Go sends them', async () => {
    const response = await raw(base, 'GET', '/api/tenant', GO_TENANT_HEADERS);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      data: { type: 'tenants', id: TENANT.id, attributes: TENANT },
    });
  });

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'application/json', headers: { 'content-type': 'application/json' } },
    {
      name: 'application/json; charset=utf-8',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    },
    { name: 'application/vnd.api+json', headers: { 'content-type': 'application/vnd.api+json' } },
    { name: 'no content type', headers: {} },
  ])('parses a JSON body sent as $name', async ({ headers }) => {
    const body = '{"data":{"type":"characters","attributes":{"name":"Atlas"}}}';
    const response = await raw(
      base,
      'POST',
      '/api/characters',
      {
        ...GO_TENANT_HEADERS,
        ...headers,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    );
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({
      data: { type: 'characters', id: '1', attributes: { name: 'Atlas' } },
    });
  });

  it('answers malformed JSON with a 400 JSON:API error', async () => {
    const response = await raw(
      base,
      'POST',
      '/api/echo',
      { ...GO_TENANT_HEADERS, 'content-type': 'application/json' },
      '{"data":',
    );
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/json');
    const body = JSON.parse(response.body) as {
      errors: Array<{ status: string; detail: string; source: unknown }>;
    };
    expect(body.errors[0]!.status).toBe('400');
    expect(body.errors[0]!.detail).toMatch(/^malformed JSON/);
    expect(body.errors[0]!.source).toEqual({ pointer: '' });
  });

  it('reads an empty body as no body', async () => {
    const response = await raw(base, 'POST', '/api/echo', {
      ...GO_TENANT_HEADERS,
      'content-type': 'application/json',
      'content-length': '0',
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ body: null });
  });

  it('answers a request document of the wrong type with 400 pointing at /data/type', async () => {
    const response = await fetch(`${base}/api/characters`, {
      method: 'POST',
      headers: { ...GO_TENANT_HEADERS, 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'accounts', attributes: { name: 'x' } } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ source: unknown }> };
    expect(body.errors[0]!.source).toEqual({ pointer: '/data/type' });
  });

  it('answers a body over the limit with 413 titled as such', async () => {
    const response = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { ...GO_TENANT_HEADERS, 'content-type': 'application/json' },
      body: `"${'x'.repeat(1024 * 1024 + 10)}"`,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { errors: Array<{ status: string; title: string }> };
    expect(body.errors[0]).toMatchObject({ status: '413', title: 'Payload Too Large' });
  });

  it('maps HttpError to its status and document', async () => {
    const missing = await fetch(`${base}/api/missing`, { headers: GO_TENANT_HEADERS });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      errors: [{ status: '404', title: 'Not Found', detail: 'character 9 not found' }],
    });
    const teapot = await fetch(`${base}/api/teapot`, { headers: GO_TENANT_HEADERS });
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({
      errors: [
        { status: '418', title: "I'm a teapot", detail: 'short and stout', source: { parameter: 'x' } },
      ],
    });
  });

  it('answers an unexpected error with a 500 that reveals nothing', async () => {
    const response = await fetch(`${base}/api/boom`, { headers: GO_TENANT_HEADERS });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toBe(
      '{"errors":[{"status":"500","title":"Internal Server Error","detail":"internal server error"}]}',
    );
  });

  it.each(['57P01', '08006', '53300', 'ECONNREFUSED'])(
    'answers a transient database error (%s) 503 with Retry-After: 1, as Atlas HEAD does',
    async (code) => {
      const response = await fetch(`${base}/api/database-down/${code}`, { headers: GO_TENANT_HEADERS });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toEqual({
        errors: [{ status: '503', title: 'Service Unavailable', detail: 'temporarily unavailable' }],
      });
    },
  );

  it('answers a database error that retrying cannot fix 500', async () => {
    const response = await fetch(`${base}/api/database-down/23505`, { headers: GO_TENANT_HEADERS });
    expect(response.status).toBe(500);
  });

  it('refuses an ENVIRONMENT header HEAD could not have sent, and accepts a plain one', async () => {
    const bad = await fetch(`${base}/api/boom`, { headers: { ...GO_TENANT_HEADERS, ENVIRONMENT: 'a b' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { source: unknown }[] }).errors[0]!.source).toEqual({
      header: 'ENVIRONMENT',
    });
    const good = await fetch(`${base}/api/boom`, {
      headers: { ...GO_TENANT_HEADERS, ENVIRONMENT: 'pr-123' },
    });
    expect(good.status).toBe(500);
  });

  it.each([
    { name: 'literal brackets', query: '?page[number]=2&fields[characters]=name' },
    { name: 'encoded brackets', query: '?page%5Bnumber%5D=2&fields%5Bcharacters%5D=name' },
  ])('reads page and fields parameters with $name', async ({ query }) => {
    const response = await fetch(`${base}/api/paged${query}`, { headers: GO_TENANT_HEADERS });
    expect(response.status).toBe(200);
    const link = (n: number) =>
      `/api/paged?fields%5Bcharacters%5D=name&page%5Bnumber%5D=${n}&page%5Bsize%5D=2`;
    expect(await response.json()).toEqual({
      links: { first: link(1), last: link(3), next: link(3), prev: link(1), self: link(2) },
      data: [
        { type: 'characters', id: '3', attributes: { name: 'c3' } },
        { type: 'characters', id: '4', attributes: { name: 'c4' } },
      ],
      meta: { page: { last: 3, number: 2, size: 2 }, total: 5 },
    });
  });

  it('answers a bad page or field parameter with 400 naming it', async () => {
    const size = await fetch(`${base}/api/paged?page[size]=0`, { headers: GO_TENANT_HEADERS });
    expect(size.status).toBe(400);
    expect(((await size.json()) as { errors: Array<{ source: unknown }> }).errors[0]!.source).toEqual({
      parameter: 'page[size]',
    });
    const field = await fetch(`${base}/api/paged?fields[characters]=foo`, { headers: GO_TENANT_HEADERS });
    expect(field.status).toBe(400);
    expect(((await field.json()) as { errors: Array<{ source: unknown }> }).errors[0]!.source).toEqual({
      parameter: 'fields[characters]',
    });
  });

  it('writes responses with Go’s escaping of <, > and &', async () => {
    const response = await raw(base, 'GET', '/api/escaped', GO_TENANT_HEADERS);
    expect(response.body).toBe('{"name":"\\u003ca\\u0026b\\u003e"}');
  });

  it('serves Prometheus text at /api/metrics with request counts and process metrics', async () => {
    await fetch(`${base}/healthz`);
    await fetch(`${base}/api/nothing-here`);
    const response = await fetch(`${base}/api/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9]/m);
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="0.001",method="GET",route="\/healthz",status="200"\}/m,
    );
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(text).toContain('# TYPE bus_messages_handled_total counter');
  });
});
