import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory-bus.js';
import { createLogger } from '../logging.js';
import { Metrics } from '../metrics.js';
import { CONSOLE_CSP, defaultConsoleDirectory } from './console.js';
import { createHttpServer } from './server.js';

let app: FastifyInstance;

beforeAll(() => {
  const directory = mkdtempSync(join(tmpdir(), 'atlas-console-'));
  writeFileSync(join(directory, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(directory, 'main.js'), 'export {};');
  app = createHttpServer({
    logger: createLogger('silent'),
    metrics: new Metrics(),
    bus: new MemoryBus(),
    readiness: async () => ({}),
    consoleDirectory: directory,
    now: () => 42,
  });
});

afterAll(async () => {
  await app.close();
});

describe('the console files', () => {
  it('are served with their own type and a CSP that allows only the server itself', async () => {
    const page = await app.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toMatch(/^default-src 'self';/);
    expect(page.body).toContain('<title>console</title>');
    const script = await app.inject({ method: 'GET', url: '/console/main.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['x-server-time']).toBe('42');
    const bare = await app.inject({ method: 'GET', url: '/console' });
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe('/console/');
  });

  it('answer 404 for a file that is not there and for any name that could leave the folder', async () => {
    for (const url of [
      '/console/missing.js',
      '/console/..%2Fpackage.json',
      '/console/.env',
      '/console/a.txt',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type']).toBe('application/json');
    }
  });

  it('are looked for in dist/console of this package by default', () => {
    expect(defaultConsoleDirectory()).toMatch(/[/\\]dist[/\\]console$/);
  });
});
