import type { FastifyInstance } from 'fastify';
import { tenantScoped } from '../../platform/http/scope.js';
import type { OperationContext } from '../processor/context.js';
import { characterRoutes } from './characters.js';
import { locationRoutes } from './locations.js';
import { sessionRoutes } from './sessions.js';

/** The character service's REST plugin, registered under /api; every route is tenant-scoped. */
export async function characterRoutesPlugin(app: FastifyInstance, ctx: OperationContext): Promise<void> {
  app.addHook('preHandler', tenantScoped);
  characterRoutes(app, ctx);
  sessionRoutes(app, ctx);
  locationRoutes(app, ctx);
}
