import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from '../http/errors.js';
import { requireTenant } from '../http/scope.js';
import { type Tenant, TenantHeaderError, type TenantHeaderName, tenantFromHttpHeaders } from '../tenant.js';
import type { EventHub } from './hub.js';

/** Browsers' EventSource cannot set headers: the tenant may come as these query parameters instead. */
const QUERY_NAMES: Readonly<Record<TenantHeaderName, string>> = {
  TENANT_ID: 'tenantId',
  REGION: 'region',
  MAJOR_VERSION: 'majorVersion',
  MINOR_VERSION: 'minorVersion',
};

/**
 * The tenant headers when TENANT_ID is sent (parsed as every tenant route's are), else the query parameters;
 * 400 naming the header or parameter at fault.
 */
async function streamTenant(request: FastifyRequest): Promise<Tenant> {
  if (request.headers.tenant_id !== undefined) {
    await requireTenant(request);
    return request.tenant;
  }
  const query = request.query as Record<string, string | undefined>;
  try {
    return tenantFromHttpHeaders(
      Object.fromEntries(Object.entries(QUERY_NAMES).map(([header, name]) => [header, query[name]])),
    );
  } catch (error) {
    if (!(error instanceof TenantHeaderError)) throw error;
    const parameter = QUERY_NAMES[error.header];
    throw badRequest(error.message.replace(error.header, parameter), { parameter });
  }
}

/** `GET /api/events`: the tenant's status events as server-sent events (see EventHub). */
export function eventRoutes(app: FastifyInstance, hub: EventHub): void {
  app.get(
    '/events',
    // The stream's own type; its errors (a bad tenant) stay JSON:API documents, as the server writes them.
    { config: { ownContentType: true } },
    async (request, reply) => {
      const tenant = await streamTenant(request);
      const body = new PassThrough();
      // The client went away: the stream ends with it, also when it went while the stream's consumer was
      // still joining (seconds for a Kafka group), before there was a stream to stop.
      let stop: (() => void) | undefined;
      let gone = false;
      reply.raw.once('close', () => {
        gone = true;
        stop?.();
      });
      stop = await hub.open(tenant, {
        write: (text) => body.write(text),
        backlog: () => body.readableLength + body.writableLength + reply.raw.writableLength,
        end: () => body.end(),
      });
      if (gone) stop();
      reply
        .type('text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-accel-buffering', 'no');
      return reply.send(body);
    },
  );
}
