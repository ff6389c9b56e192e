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

function mapOf(params: FieldParams): MapOf {
  return {
    worldId: integerParam(params, 'worldId', 255),
    channelId: integerParam(params, 'channelId', 255),
    mapId: integerParam(params, 'mapId', 0xffffffff),
  };
}

function fieldOf(params: FieldParams): Field {
  const instance = params.instanceId ?? NIL_UUID;
  if (!isUuid(instance)) throw badRequest('instanceId must be a UUID', { parameter: 'instanceId' });
  return { ...mapOf(params), instance: normaliseUuid(instance) };
}

type MapOf = Omit<Field, 'instance'>;

/** Who stands where, as the routes ask it: one field, or every instance of a map. */
export interface PresenceReads {
  charactersIn(tenantId: string, field: Field): Promise<number[]>;
  charactersInMap(tenantId: string, map: MapOf): Promise<number[]>;
}

/**
 * "Who is in this field", as HEAD atlas-maps serves it: every instance of a map (M3; the reference had no
 * such route, so HEAD's meaning is adopted), or one map instance (M4). HEAD's Go clients ask the instance
 * route with a trailing slash, which gorilla/mux redirects; here the server ignores trailing slashes, so
 * both forms answer directly. Registered
 * inside the service's own plugin scope, so the tenant hook applies to these routes only.
 */
export function presenceRoutes(reads: PresenceReads) {
  return (app: FastifyInstance): void => {
    app.addHook('preHandler', tenantScoped);
    type Request = FastifyRequest<{ Params: FieldParams }>;
    const page = async (request: Request, found: Promise<number[]>) => {
      const listing = parseListing(request.url, FIELD_PAGES);
      // Ids ascending, as atlas-maps pages them.
      const ids = [...(await found)].sort((a, b) => a - b);
      const { items, envelope } = pageOf(ids, listing);
      return collection(items.map(characterResource), { envelope });
    };
    const charactersInMap = (request: Request) =>
      page(request, reads.charactersInMap(request.tenant.id, mapOf(request.params)));
    const charactersInField = (request: Request) =>
      page(request, reads.charactersIn(request.tenant.id, fieldOf(request.params)));
    const map = '/worlds/:worldId/channels/:channelId/maps/:mapId';
    app.get(`${map}/characters`, charactersInMap);
    const inInstance = `${map}/instances/:instanceId/characters`;
    app.get(inInstance, charactersInField);
    // HEAD's clients (atlas-transports, atlas-events) call this one with a trailing slash, which atlas-maps
    // redirects; answering it directly saves them the round trip.
    app.get(`${inInstance}/`, charactersInField);
  };
}
