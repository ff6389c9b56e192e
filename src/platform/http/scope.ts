import type { FastifyRequest } from 'fastify';
import { TenantHeaderError, tenantFromHttpHeaders } from '../tenant.js';
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
}

/**
 * The preHandler of every tenant-scoped route: tenant headers, then text the database could not store.
 * Domains register it inside their plugin, so routes that are not tenant-scoped (health, metrics) never see it.
 */
export async function tenantScoped(request: FastifyRequest): Promise<void> {
  await requireTenant(request);
  requireStorableInput(request);
}
