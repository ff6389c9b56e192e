import type { FastifyRequest } from 'fastify';
import { badRequest } from '../../platform/http/errors.js';
import { isUuid, normaliseUuid } from '../../platform/tenant.js';

/** The `{routeId}` path parameter of every route endpoint: a UUID, lower-cased, else 400 naming it. */
export function routeIdParam(request: FastifyRequest): string {
  const { routeId } = request.params as { routeId: string };
  if (!isUuid(routeId)) throw badRequest('routeId must be a UUID', { parameter: 'routeId' });
  return normaliseUuid(routeId);
}
