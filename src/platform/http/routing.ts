import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { errorDocument, HttpError } from './errors.js';

/**
 * What gorilla/mux (the Go services' router, with StrictSlash) answers when no route matches as asked:
 *
 * - a known path with a method it does not serve: 405, before anything else looks at the request (the
 *   tenant headers included), and HEAD is such a method, since Go's routes serve GET only;
 * - a known path plus a trailing slash: 301 to the path without it (the query kept);
 * - anything else: 404.
 *
 * Fastify finds no route in all three cases; its not-found handler then asks the table of every route
 * registered (kept by an onRoute hook on the root instance, so every service's plugin feeds it).
 */
interface KnownRoute {
  readonly segments: readonly string[];
  readonly methods: Set<string>;
}

function segmentsOf(path: string): string[] {
  return path.split('/').slice(1);
}

function matches(route: KnownRoute, segments: readonly string[]): boolean {
  if (route.segments.length !== segments.length) return false;
  return route.segments.every((s, i) => (s.startsWith(':') ? segments[i] !== '' : s === segments[i]));
}

export class RouteTable {
  private readonly routes = new Map<string, KnownRoute>();

  /** Registers the table on the root instance: every route added from now on, in any plugin, is known. */
  attach(app: FastifyInstance): void {
    app.addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const { url } = route;
      const known = this.routes.get(url) ?? { segments: segmentsOf(url), methods: new Set<string>() };
      for (const method of methods) known.methods.add(method);
      this.routes.set(url, known);
    });
  }

  /** The methods served on a concrete path, or undefined when no route has that shape. */
  methodsOf(path: string): Set<string> | undefined {
    const segments = segmentsOf(path);
    let found: Set<string> | undefined;
    for (const route of this.routes.values()) {
      if (!matches(route, segments)) continue;
      found ??= new Set();
      for (const method of route.methods) found.add(method);
    }
    return found;
  }

  /** The not-found handler: 405, 301 or 404 as gorilla/mux decides. */
  readonly notFound = (request: FastifyRequest, reply: FastifyReply) => {
    const [path = '', query] = splitUrl(request.url);
    const canonical = path.replace(/\/+$/, '');
    const slashed = canonical !== path && canonical !== '';
    // StrictSlash makes `/a/` match the route `/a` path-wise: its methods decide between 405 and 301.
    const served = this.methodsOf(path) ?? (slashed ? this.methodsOf(canonical) : undefined);
    if (served && !served.has(request.method)) {
      const allowed = [...served].sort().join(', ');
      const error = new HttpError(405, 'Method Not Allowed', `${request.method} is not allowed on ${path}`);
      return reply.status(405).header('allow', allowed).send(errorDocument(error));
    }
    if (slashed && this.methodsOf(canonical)?.has(request.method)) {
      return reply
        .status(301)
        .header('location', query === undefined ? canonical : `${canonical}?${query}`)
        .send();
    }
    return reply
      .status(404)
      .send(errorDocument(new HttpError(404, 'Not Found', `no route for ${request.method} ${path}`)));
  };

  /**
   * An onRequest hook for what Fastify does match but gorilla would not: a trailing slash taken as an empty
   * last parameter (`/routes/` as `/routes/:routeId`). Routes registered with their own slash are served.
   */
  readonly emptyLastParameter = async (request: FastifyRequest, reply: FastifyReply) => {
    const [path = ''] = splitUrl(request.url);
    if (path.length > 1 && path.endsWith('/') && !request.routeOptions.url?.endsWith('/')) {
      return this.notFound(request, reply);
    }
  };
}

function splitUrl(url: string): [string, string | undefined] {
  const at = url.indexOf('?');
  return at === -1 ? [url, undefined] : [url.slice(0, at), url.slice(at + 1)];
}
