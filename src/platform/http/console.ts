import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { notFound } from './errors.js';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  map: 'application/json',
};

/** The console loads nothing but its own files and talks to nothing but this server. */
export const CONSOLE_CSP =
  "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

/** One flat folder of built files: a name never climbs out of it. */
const FILE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)*\.(html|js|css|svg|map)$/;

/**
 * `dist/console` of this package, whether the server runs from `dist/` (npm start) or from `src/` (tests):
 * `npm run build` puts the console there in both cases.
 */
export function defaultConsoleDirectory(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

/** The operator's web console at /console (see README "Console"): static files, read on each request. */
export function consoleRoutes(app: FastifyInstance, directory: string): void {
  const serve = async (name: string) => {
    const type = FILE_NAME.exec(name)?.[2];
    if (!type) throw notFound(`no console file ${name}`);
    try {
      return { body: await readFile(join(directory, name)), type: TYPES[type]! };
    } catch {
      throw notFound(`no console file ${name} (was npm run build run?)`);
    }
  };
  const config = { ownContentType: true };
  app.get('/console', { config }, async (_request, reply) => reply.redirect('/console/', 302));
  app.get('/console/', { config }, async (_request, reply) => {
    const file = await serve('index.html');
    return reply.header('content-security-policy', CONSOLE_CSP).type(file.type).send(file.body);
  });
  app.get('/console/:file', { config }, async (request, reply) => {
    const file = await serve((request.params as { file: string }).file);
    return reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('cache-control', 'no-cache')
      .type(file.type)
      .send(file.body);
  });
}
