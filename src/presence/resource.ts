import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Field } from '../platform/fields.js';
import { badRequest } from '../platform/http/errors.js';
import { collection } from '../platform/http/jsonapi.js';
import { FIELD_PAGES, pageOf, parseListing } from '../platform/http/pagination.js';
import { tenantScoped } from '../platform/http/scope.js';
import { isUuid, NIL_UUID, normaliseUuid } from '../platform/tenant.js';
import { characterResource } from './rest.js';

interface FieldParams {
  readonly worldId: string;
  readonly channelId: string;
  readonly mapId: string;
  readonly instanceId?: string;
}

// atlas-maps parses with strconv.Atoi and then narrows (a world id of 256 silently becomes world 0); a
// number that does not fit is answered 400 here instead.
function integerParam(params: FieldParams, name: 'worldId' | 'channelId' | 'mapId', max: number): number {
  const text = params[name];
  if (!/^\d{1,10}$/.test(text) || Number(text) > max) {
    throw badRequest(`${name} must be an integer from 0 to ${max}`, { parameter: name });
  }
  return Number(text);
}

function fieldOf(params: FieldParams): Field {
  const instance = params.instanceId ?? NIL_UUID;
  if (!isUuid(instance)) throw badRequest('instanceId must be a UUID', { parameter: 'instanceId' });
  return {
    worldId: integerParam(params, 'worldId', 255),
    channelId: integerParam(params, 'channelId', 255),
    mapId: integerParam(params, 'mapId', 0xffffffff),
    instance: normaliseUuid(instance),
  };
}

/**
 * "Who is in this field", as atlas-maps serves it: the shared map (nil instance) or one map instance.
 * Registered inside the service's own plugin scope, so the tenant hook applies to these routes only.
 */
export function presenceRoutes(charactersIn: (tenantId: string, field: Field) => Promise<number[]>) {
  return (app: FastifyInstance): void => {
    app.addHook('preHandler', tenantScoped);
    const charactersInField = async (request: FastifyRequest<{ Params: FieldParams }>) => {
      const field = fieldOf(request.params);
      const listing = parseListing(request.url, FIELD_PAGES);
      // Ids ascending, as atlas-maps pages them.
      const ids = [...(await charactersIn(request.tenant.id, field))].sort((a, b) => a - b);
      const { items, envelope } = pageOf(ids, listing);
      return collection(items.map(characterResource), { envelope });
    };
    app.get('/worlds/:worldId/channels/:channelId/maps/:mapId/characters', charactersInField);
    const inInstance = '/worlds/:worldId/channels/:channelId/maps/:mapId/instances/:instanceId/characters';
    app.get(inInstance, charactersInField);
    // HEAD's clients (atlas-transports, atlas-events) call this one with a trailing slash, which atlas-maps
    // redirects; answering it directly saves them the round trip.
    app.get(`${inInstance}/`, charactersInField);
  };
}
