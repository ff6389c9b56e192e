import type { FastifyInstance } from 'fastify';
import { collection } from '../../platform/http/jsonapi.js';
import type { OperationContext } from '../processor/context.js';
import { findLegacyConflicts } from '../storage/schema/conflicts.js';

/**
 * What the operator reads after adopting an Atlas database: rows that broke a rule before this project
 * enforced it, as they are now (a row fixed or deleted since start-up is gone). Tenant-free: it spans the
 * adopted database's tenants, so, like every /api/admin route, only an operator may read it.
 */
export function adminRoutes(app: FastifyInstance, ctx: OperationContext): void {
  app.get('/admin/legacy-conflicts', async () =>
    collection(
      (await findLegacyConflicts(ctx.db.pool)).map((conflict, index) => ({
        type: 'legacy-conflicts',
        id: String(index + 1),
        attributes: { ...conflict },
      })),
    ),
  );
}
