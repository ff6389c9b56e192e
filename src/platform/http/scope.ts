import type { FastifyRequest } from 'fastify';
import { TenantHeaderError, tenantFromHttpHeaders } from '../tenant.js';
import { ENVIRONMENT, isEnvironment } from '../wire/headers.js';
import { badRequest } from './errors.js';
import { requireStorableInput } from './input.js';

/** Parses the four tenant headers (first, as the Go services do: before path, query and body). */
export async function requireTenant(request: FastifyRequest): Promise<void> {
  try {
    request.tenant = tenantFromHttpHeaders(request.headers);
  } catch (error) {
    if (error instanceof TenantHeaderError) throw badRequest(error.message, { header: error.header });
    throw error;
  }
  // HEAD's optional ENVIRONMENT header: any environment is this deployment's (there is no registry of
  // them here), but a value HEAD could never have sent is refused rather than passed on to messages.
  const environment = request.headers.environment;
  const text = Array.isArray(environment) ? environment[0] : environment;
  if (text && !isEnvironment(text)) {
    throw badRequest('ENVIRONMENT must be printable ASCII, at most 128 characters', { header: ENVIRONMENT });
  }
}

/**
 * The preHandler of every tenant-scoped route: tenant headers, then text the database could not store.
 * Domains register it inside their plugin, so routes that are not tenant-scoped (health, metrics) never see it.
 */
export async function tenantScoped(request: FastifyRequest): Promise<void> {
  await requireTenant(request);
  requireStorableInput(request);
}
