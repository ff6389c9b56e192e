import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { badRequest, notFound } from '../../platform/http/errors.js';
import {
  applySparseFields,
  collection,
  type Document,
  paginate,
  parseInclude,
  parsePage,
  parseRequestDocument,
  type Resource,
  single,
} from '../../platform/http/jsonapi.js';
import { requireTenant } from '../../platform/http/server.js';
import { isUuid, normaliseUuid } from '../../platform/tenant.js';
import { traceHeadersOfRequest } from '../../platform/wire/headers.js';
import { u8, u32 } from '../../platform/wire/numbers.js';
import { timetableAt } from '../core/schedule.js';
import { type InstanceTransports, StartError } from '../instances/processor.js';
import type { InstanceRegistry } from '../instances/registry.js';
import type { LoadedTenant, TenantRegistry } from '../tenants/loaded-tenant.js';
import {
  INSTANCE_ROUTE_ATTRIBUTES,
  INSTANCE_STATUS_ATTRIBUTES,
  instanceRouteResource,
  instanceStatusResource,
  ROUTE_ATTRIBUTES,
  routeResource,
  TRIP_ATTRIBUTES,
  tripResource,
  tripsOfToday,
} from './documents.js';

export interface TransportRoutesDeps {
  readonly tenants: TenantRegistry;
  readonly instances: InstanceTransports;
  readonly registry: InstanceRegistry;
  readonly now: () => number;
}

type Query = Record<string, unknown>;

const PAGE = { size: 50, maxSize: 250 };
const FIELDS = {
  routes: ROUTE_ATTRIBUTES,
  'trip-schedule': TRIP_ATTRIBUTES,
  'instance-routes': INSTANCE_ROUTE_ATTRIBUTES,
  'instance-status': INSTANCE_STATUS_ATTRIBUTES,
};

const startAttributes = z.object({
  characterId: u32,
  worldId: u8,
  channelId: u8,
});

const EMPTY: LoadedTenant['routes'] = [];

function routeIdParam(request: FastifyRequest): string {
  const { routeId } = request.params as { routeId: string };
  if (!isUuid(routeId)) throw badRequest('routeId must be a UUID', { parameter: 'routeId' });
  return normaliseUuid(routeId);
}

function startMapFilter(query: Query): number | undefined {
  const value = query['filter[startMapId]'];
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? String(value[value.length - 1]) : String(value);
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffff_ffff) {
    throw badRequest('filter[startMapId] must be a map id (an unsigned 32-bit integer)', {
      parameter: 'filter[startMapId]',
    });
  }
  return Number(text);
}

/** The REST surface under /api/transports, tenant-scoped (transports.md §6 with decisions C8). */
export function transportRoutes(app: FastifyInstance, deps: TransportRoutesDeps): void {
  app.addHook('preHandler', requireTenant);
  const tenantOf = (request: FastifyRequest) => deps.tenants.get(request.tenant.id);
  const answer = (doc: Document, query: Query) => applySparseFields(doc, query, FIELDS);

  app.get('/transports/routes', async (request) => {
    const query = request.query as Query;
    const startMapId = startMapFilter(query);
    const page = parsePage(query, PAGE);
    const withSchedule = parseInclude(query).has('schedule');
    const loaded = tenantOf(request);
    let routes = loaded?.routes ?? EMPTY;
    if (startMapId !== undefined) {
      // The reference answers the first match only; atlas-query-aggregator reads element 0.
      const match = routes.find((route) => route.startMapId === startMapId);
      routes = match ? [match] : [];
    }
    const { items, meta } = paginate(routes, page);
    const now = deps.now();
    const included: Resource[] = [];
    const data = items.map((route) => {
      const schedule = loaded!.schedules.get(route.id)!;
      const trips = withSchedule ? tripsOfToday(timetableAt(schedule, now), now) : undefined;
      if (trips) included.push(...trips.map(tripResource));
      return routeResource(route, schedule, loaded!.tenant.id, now, trips);
    });
    return answer(collection(data, meta ? { included, meta } : { included }), query);
  });

  app.get('/transports/routes/:routeId', async (request) => {
    const routeId = routeIdParam(request);
    const loaded = tenantOf(request);
    const route = loaded?.routesById.get(routeId);
    if (!loaded || !route) throw notFound(`route ${routeId} not found`);
    const schedule = loaded.schedules.get(route.id)!;
    const now = deps.now();
    // The trips of the timetable in effect now (the old one until a travel-rate handover's boundary).
    const trips = tripsOfToday(timetableAt(schedule, now), now);
    return answer(
      single(routeResource(route, schedule, loaded.tenant.id, now, trips), trips.map(tripResource)),
      request.query as Query,
    );
  });

  app.get('/transports/instance-routes', async (request) => {
    const query = request.query as Query;
    const page = parsePage(query, PAGE);
    const { items, meta } = paginate(tenantOf(request)?.instanceRoutes ?? [], page);
    return answer(collection(items.map(instanceRouteResource), meta ? { meta } : {}), query);
  });

  app.get('/transports/instance-routes/:routeId', async (request) => {
    const routeId = routeIdParam(request);
    const route = tenantOf(request)?.instanceRoutesById.get(routeId);
    if (!route) throw notFound(`instance route ${routeId} not found`);
    return answer(single(instanceRouteResource(route)), request.query as Query);
  });

  app.get('/transports/instance-routes/:routeId/status', async (request) => {
    const routeId = routeIdParam(request);
    const query = request.query as Query;
    const page = parsePage(query, PAGE);
    const rides = deps.registry.ofRoute(request.tenant.id, routeId);
    // A removed route can still have rides finishing; only a route with neither is unknown.
    if (rides.length === 0 && !tenantOf(request)?.instanceRoutesById.has(routeId)) {
      throw notFound(`instance route ${routeId} not found`);
    }
    const { items, meta } = paginate(rides, page);
    return answer(collection(items.map(instanceStatusResource), meta ? { meta } : {}), query);
  });

  app.post('/transports/instance-routes/:routeId/start', async (request, reply) => {
    const { attributes } = parseRequestDocument(request.body, 'start-transport', startAttributes);
    const routeId = routeIdParam(request);
    try {
      await deps.instances.start(request.tenant, routeId, attributes, traceHeadersOfRequest(request.headers));
    } catch (error) {
      if (error instanceof StartError) {
        throw error.reason === 'unknown-route' ? notFound(error.message) : badRequest(error.message);
      }
      throw error;
    }
    return reply.status(204).send();
  });
}
