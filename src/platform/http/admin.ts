import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Bus } from '../bus/bus.js';
import { HttpError } from './errors.js';
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
  app.get('/api/admin/dead-letters', { preHandler: tenantScoped }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const tenantId = request.tenant.id.toLowerCase();
    const letters = bus
      .deadLetters()
      .map((letter, index) => ({ letter, id: String(index + 1) }))
      .filter(({ letter }) => letter.headers.TENANT_ID?.toLowerCase() === tenantId);
    return collection(
      letters.map(({ letter, id }) => ({ type: 'dead-letters', id, attributes: { ...letter } })),
    );
  });
}
