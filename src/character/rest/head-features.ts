import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../platform/http/errors.js';
import { tenantScoped } from '../../platform/http/scope.js';
import type { PendingChangeContext } from '../pending-changes/processor.js';
import { PENDING_CHANGE_PATHS, pendingChangeRoutes } from '../pending-changes/routes.js';
import type { TeleportRockContext } from '../teleport-rocks/processor.js';
import { TELEPORT_ROCK_PATHS, teleportRockRoutes } from '../teleport-rocks/routes.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Atlas HEAD's teleport rocks and pending changes, a tenant-scoped plugin of their own beside the reference's
 * routes; a known path with a wrong method is a 405, as on every other path.
 */
export async function headFeatureRoutes(
  app: FastifyInstance,
  trc: TeleportRockContext,
  pcc: PendingChangeContext,
): Promise<void> {
  app.addHook('preHandler', tenantScoped);
  teleportRockRoutes(app, trc);
  pendingChangeRoutes(app, pcc);
  const paths: Record<string, readonly string[]> = { ...TELEPORT_ROCK_PATHS, ...PENDING_CHANGE_PATHS };
  for (const [url, allowed] of Object.entries(paths)) {
    const others = METHODS.filter((m) => !allowed.includes(m));
    app.route({
      method: others,
      url,
      handler: async (request) => {
        throw new HttpError(405, 'Method Not Allowed', `${request.method} is not allowed on ${url}`);
      },
    });
  }
}
