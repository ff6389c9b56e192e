import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../platform/http/errors.js';
import { requireTenant } from '../../platform/http/server.js';
import type { OperationContext } from '../processor/context.js';
import { characterRoutes } from './characters.js';
import { locationRoutes } from './locations.js';
import { sessionRoutes } from './sessions.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The reference's router answers a known path with a wrong method 405, not 404. */
const ALLOWED: Record<string, readonly string[]> = {
  '/characters': ['GET', 'POST'],
  '/characters/name-validity': ['GET'],
  '/characters/:characterId': ['GET', 'PATCH', 'DELETE'],
  '/characters/:characterId/sessions': ['GET'],
  '/characters/:characterId/sessions/playtime': ['GET'],
  '/characters/:characterId/locations/:type': ['GET', 'PUT', 'DELETE'],
};

/** The character service's REST plugin, registered under /api; every route is tenant-scoped. */
export async function characterRoutesPlugin(app: FastifyInstance, ctx: OperationContext): Promise<void> {
  app.addHook('preHandler', requireTenant);
  characterRoutes(app, ctx);
  sessionRoutes(app, ctx);
  locationRoutes(app, ctx);
  for (const [url, allowed] of Object.entries(ALLOWED)) {
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
