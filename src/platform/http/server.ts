import { STATUS_CODES } from 'node:http';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Bus } from '../bus/bus.js';
import { isTransientDatabaseError } from '../db/database.js';
import type { RecentErrors } from '../log-ring.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import type { Tenant } from '../tenant.js';
import type { ActiveSpan, Tracing } from '../tracing.js';
import { goEscape } from '../wire/envelope.js';
import { deadLetterRoutes, guardOperatorEndpoints, recentErrorRoutes, tenantListRoutes } from './admin.js';
import { consoleRoutes, defaultConsoleDirectory } from './console.js';
import { discardBody, HttpDrain } from './drain.js';
import { badRequest, errorDocument, HttpError } from './errors.js';
import { collection } from './jsonapi.js';
import { parseQuery } from './query.js';
import { RouteTable } from './routing.js';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant;
  }
  interface FastifyContextConfig {
    /** The route sets its own content type on success (the console's files, the event stream); errors stay JSON. */
    ownContentType?: boolean;
  }
}

export interface HttpServerOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly bus: Bus;
  /** ADMIN_TOKEN (see admin.ts). */
  readonly adminToken?: string;
  /** Spans of requests (TRACE_ENDPOINT); absent, no hook is installed. */
  readonly tracing?: Tracing;
  /** Named readiness checks for /readyz (database, bus, ...). */
  readonly readiness: () => Promise<Record<string, boolean>>;
  /** The application's clock (ms), sent as `x-server-time` so that a client can count down against it. */
  readonly now?: () => number;
  /** The recent warn/error records (GET /api/admin/errors). */
  readonly recentErrors?: RecentErrors;
  /** The tenants the services know (GET /api/admin/tenants, beside the sample tenant). */
  readonly tenants?: () => readonly Tenant[];
  /** Where the built console is (default dist/console of this package). */
  readonly consoleDirectory?: string;
}

function parseJsonBody(
  _request: FastifyRequest,
  body: string,
  done: (err: Error | null, value?: unknown) => void,
) {
  if (body.trim() === '') {
    done(null, undefined);
    return;
  }
  try {
    done(null, JSON.parse(body));
  } catch (error) {
    done(badRequest(`malformed JSON: ${(error as Error).message}`, { pointer: '' }));
  }
}

function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

function fastifyErrorStatus(error: { statusCode?: number; code?: string }): number {
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 600) return error.statusCode;
  return 500;
}

const BODY_LIMIT = 1024 * 1024;
/** How much of an oversized body is read and dropped so that its 413 reaches the client (see discardBody). */
const DISCARD_LIMIT = 64 * BODY_LIMIT;

const drains = new WeakMap<FastifyInstance, HttpDrain>();

/** Stops the server within `budgetMs`, every request it took answered (see HttpDrain). */
export async function closeHttpServer(app: FastifyInstance, budgetMs: number): Promise<void> {
  const drain = drains.get(app);
  if (drain) await drain.close(app, budgetMs);
  else await app.close();
}

/**
 * One server span per request, named after its route template. The request's `traceparent` becomes the
 * span's own, so a message the request causes (causeOfRequest) is the span's child. Installed first, so that
 * requests an operator guard refuses have their span too.
 */
function traceRequests(app: FastifyInstance, tracing: Tracing): void {
  const spans = new WeakMap<FastifyRequest, ActiveSpan>();
  const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  app.addHook('onRequest', async (request) => {
    const span = tracing.server(
      request.method,
      routeLabel(request),
      header(request.headers.traceparent),
      header(request.headers.tracestate),
    );
    spans.set(request, span);
    request.headers.traceparent = span.traceparent;
  });
  app.addHook('onResponse', async (request, reply) => {
    spans.get(request)?.end({ status: reply.statusCode });
    spans.delete(request);
  });
  app.addHook('onRequestAbort', async (request) => {
    spans.get(request)?.end({ error: new Error('client closed the connection') });
    spans.delete(request);
  });
}

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const { logger, metrics } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request lines come from our onResponse hook (the top-level disableRequestLogging is deprecated).
    logController: new LogController({ disableRequestLogging: true }),
    // Trailing slashes, HEAD and wrong methods are answered as gorilla/mux does, by routes.notFound.
    routerOptions: {
      ignoreTrailingSlash: false,
      querystringParser: parseQuery,
      // Go's router has no limit: a long parameter reaches the handler, which names it in a 400.
      maxParamLength: 4096,
    },
    exposeHeadRoutes: false,
    bodyLimit: BODY_LIMIT,
    // New requests during a stop get our JSON:API 503 from the drain, not Fastify's own body.
    return503OnClosing: false,
    // Go's net/http accepts underscores in header names; so does Node's parser. Nothing to configure.
  });
  app.decorateRequest('tenant', null as unknown as Tenant);
  if (options.tracing) traceRequests(app, options.tracing);
  const routes = new RouteTable();
  routes.attach(app);
  const drain = new HttpDrain();
  drain.attach(app);
  drains.set(app, drain);
  guardOperatorEndpoints(app, options.adminToken);

  // Atlas clients send application/json, JSON:API clients application/vnd.api+json, some send neither: the
  // reference reads every body as JSON, and so do we.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJsonBody);

  // Go's encoding/json escapes <, > and &; match its bytes.
  app.setReplySerializer((payload) => goEscape(JSON.stringify(payload)));

  const now = options.now ?? Date.now;
  app.addHook('onSend', async (request, reply, payload) => {
    // A console file keeps its own type; its errors are JSON:API documents like every other.
    if (!request.routeOptions.config?.ownContentType || reply.statusCode >= 400) {
      reply.header('content-type', 'application/json');
    }
    // The Date header is real time; the countdowns of the console need the application's (ManualClock) time.
    reply.header('x-server-time', String(now()));
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: routeLabel(request), status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    request.log.debug(
      { method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime },
      'request',
    );
  });

  app.setErrorHandler(
    async (error: Error & { statusCode?: number; code?: string }, request, reply: FastifyReply) => {
      if (error instanceof HttpError) {
        return reply.status(error.status).send(errorDocument(error));
      }
      if (isTransientDatabaseError(error)) {
        request.log.warn({ err: error, url: request.url }, 'database unavailable; answered 503');
        reply.header('retry-after', '1');
        return reply
          .status(503)
          .send(errorDocument(new HttpError(503, 'Service Unavailable', 'temporarily unavailable')));
      }
      const status = fastifyErrorStatus(error);
      if (status === 413) await discardBody(request.raw, DISCARD_LIMIT);
      if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
      // 413 Payload Too Large, 415, ...: the title names the status actually sent.
      const title = status >= 500 ? 'Internal Server Error' : (STATUS_CODES[status] ?? 'Bad Request');
      const detail = status >= 500 ? 'internal server error' : error.message;
      return reply.status(status).send(errorDocument(new HttpError(status, title, detail)));
    },
  );

  app.setNotFoundHandler(routes.notFound);
  app.addHook('onRequest', routes.emptyLastParameter);

  app.get('/healthz', async () => ({ status: 'ok' }));

  // /readyz for probes, /api/readyz where Atlas HEAD's services answer it.
  const readyz = async (_request: FastifyRequest, reply: FastifyReply) => {
    const checks = await options.readiness();
    const ready = Object.values(checks).every(Boolean);
    if (!ready) {
      reply.header('retry-after', '1');
      return reply.status(503).send({
        errors: [{ status: '503', title: 'Service Unavailable', detail: 'not ready', meta: checks }],
      });
    }
    return { status: 'ready', checks };
  };
  app.get('/readyz', readyz);
  app.get('/api/readyz', readyz);

  // Every consumer group of this process: its topics, whether it is live, the partitions it holds and their lag.
  app.get('/api/debug/consumers', async () =>
    collection(
      (await options.bus.consumers()).map((status) => ({
        type: 'consumers',
        id: status.group,
        attributes: { ...status },
      })),
    ),
  );

  app.get('/api/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    // Prometheus text format is not JSON: bypass the JSON serializer and content type.
    reply.serializer((s: string) => s);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': metrics.registry.contentType });
    reply.raw.end(text);
  });

  deadLetterRoutes(app, options.bus);
  if (options.recentErrors) recentErrorRoutes(app, options.recentErrors);
  tenantListRoutes(app, options.tenants ?? (() => []));
  consoleRoutes(app, options.consoleDirectory ?? defaultConsoleDirectory());

  return app;
}
