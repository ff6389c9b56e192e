import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Bus } from '../bus/bus.js';
import type { RecentErrors } from '../log-ring.js';
import { SAMPLE_TENANT, type Tenant } from '../tenant.js';
import { HttpError, notFound } from './errors.js';
import { collection } from './jsonapi.js';
import { tenantScoped } from './scope.js';

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may call an operator endpoint: with ADMIN_TOKEN set, whoever presents it (401 otherwise); without it,
 * only a client on this machine (403 otherwise), so that a fresh `npm start` does not show its messages to
 * the network.
 */
export function operatorOnly(adminToken: string | undefined) {
  return async (request: FastifyRequest): Promise<void> => {
    if (adminToken !== undefined) {
      const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
      if (!match || !sameToken(match[1]!, adminToken)) {
        throw new HttpError(
          401,
          'Unauthorized',
          'operator endpoints need Authorization: Bearer <ADMIN_TOKEN>',
        );
      }
      return;
    }
    if (!isLoopback(request.socket.remoteAddress)) {
      throw new HttpError(
        403,
        'Forbidden',
        'operator endpoints answer only on loopback unless ADMIN_TOKEN is set',
      );
    }
  };
}

/** Operator endpoints, whichever module registers them: /api/admin/... and /api/debug/... */
const OPERATOR_PATH = /^\/api\/(admin|debug)\//;

/**
 * Guards every operator endpoint (see operatorOnly) before anything else looks at the request; a wrong
 * method on such a path is still a 405, which tells nothing.
 */
export function guardOperatorEndpoints(app: FastifyInstance, adminToken: string | undefined): void {
  const guard = operatorOnly(adminToken);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url !== undefined && OPERATOR_PATH.test(url)) await guard(request);
  });
}

/**
 * Dead letters are scoped by the tenant headers like every tenant route: an operator of one tenant sees that
 * tenant's messages only (matched on the letter's TENANT_ID).
 */
export function deadLetterRoutes(app: FastifyInstance, bus: Bus): void {
  const ofTenant = (request: FastifyRequest) => {
    const tenantId = request.tenant.id.toLowerCase();
    return bus.deadLetters().filter((letter) => letter.headers.TENANT_ID?.toLowerCase() === tenantId);
  };
  /** Another tenant's letter is as unknown as a missing one. */
  const letterId = (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    if (!ofTenant(request).some((letter) => letter.id === id)) throw notFound(`dead letter ${id} not found`);
    return id;
  };
  app.get('/api/admin/dead-letters', { preHandler: tenantScoped }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return collection(
      ofTenant(request).map(({ id, ...attributes }) => ({ type: 'dead-letters', id, attributes })),
    );
  });
  app.post('/api/admin/dead-letters/:id/retry', { preHandler: tenantScoped }, async (request, reply) => {
    await bus.retryDeadLetter(letterId(request));
    return reply.status(204).send();
  });
  app.delete('/api/admin/dead-letters/:id', { preHandler: tenantScoped }, async (request, reply) => {
    bus.discardDeadLetter(letterId(request));
    return reply.status(204).send();
  });
}

/** The last warn/error log records, newest first, whatever their tenant (an operator's view of the process). */
export function recentErrorRoutes(app: FastifyInstance, errors: RecentErrors): void {
  app.get('/api/admin/errors', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return collection(
      errors.list().map(({ id, ...attributes }) => ({ type: 'log-records', id: String(id), attributes })),
    );
  });
}

/**
 * The tenants this process knows (the configured ones, and the bundled sample tenant): what the console
 * offers in its tenant picker. Not tenant-scoped: it is how an operator finds a tenant in the first place.
 */
export function tenantListRoutes(app: FastifyInstance, known: () => readonly Tenant[]): void {
  app.get('/api/admin/tenants', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const byId = new Map<string, Tenant>();
    for (const tenant of [SAMPLE_TENANT, ...known()]) byId.set(tenant.id, tenant);
    return collection(
      [...byId.values()].map(({ id, ...attributes }) => ({ type: 'tenants', id, attributes })),
    );
  });
}
