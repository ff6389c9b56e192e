import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { badRequest, notFound } from '../../platform/http/errors.js';
import {
  applySparseFields,
  collection,
  type Document,
  parseInclude,
  parseRequestDocument,
  type Resource,
  single,
} from '../../platform/http/jsonapi.js';
import { pageOf, parseListing, STANDARD_PAGES } from '../../platform/http/pagination.js';
import { queryValue } from '../../platform/http/query.js';
import { tenantScoped } from '../../platform/http/scope.js';
import { causeOfRequest } from '../../platform/wire/headers.js';
import { u8, u32 } from '../../platform/wire/numbers.js';
import { timetableAt } from '../core/schedule.js';
import { type InstanceTransports, StartError } from '../instances/processor.js';
import type { RideStore } from '../instances/rides.js';
import type { TripControl } from '../scheduled/trip-control.js';
import type { LoadedTenant, TenantRegistry } from '../tenants/loaded-tenant.js';
import { controlRoutes } from './controls.js';
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
  vesselResource,
} from './documents.js';
import { type ManifestRoutesDeps, manifestRoutes } from './manifests.js';
import { routeIdParam } from './params.js';

export interface TransportRoutesDeps {
  readonly tenants: TenantRegistry;
  readonly instances: InstanceTransports;
  readonly rides: Pick<RideStore, 'ofRoute'>;
  readonly now: () => number;
  /** Trip control (issue 14); absent, its endpoints are not served. */
  readonly control?: TripControl;
  /** Manifests and passengers (issue 14); absent, their endpoints are not served. */
  readonly manifests?: Omit<ManifestRoutesDeps, 'tenants' | 'now'>;
}

type Query = Record<string, unknown>;

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

function startMapFilter(query: Query): number | undefined {
  const text = queryValue(query, 'filter[startMapId]');
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffff_ffff) {
    throw badRequest('filter[startMapId] must be a map id (an unsigned 32-bit integer)', {
      parameter: 'filter[startMapId]',
    });
  }
  return Number(text);
}

/** The REST surface under /api/transports, tenant-scoped (transports.md §6 with decisions C8). */
/** HEAD lists routes, instance routes and rides in id order (the UUID text). */
function byId<T extends { readonly id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function transportRoutes(app: FastifyInstance, deps: TransportRoutesDeps): void {
  app.addHook('preHandler', tenantScoped);
  const tenantOf = (request: FastifyRequest) => deps.tenants.get(request.tenant.id);
  const answer = (doc: Document, query: Query) => applySparseFields(doc, query, FIELDS);

  app.get('/transports/routes', async (request) => {
    const query = request.query as Query;
    const startMapId = startMapFilter(query);
    const listing = parseListing(request.url, STANDARD_PAGES);
    const withSchedule = parseInclude(query).has('schedule');
    const loaded = tenantOf(request);
    let routes = loaded?.routes ?? EMPTY;
    if (startMapId !== undefined) {
      // The reference answers the first match only; atlas-query-aggregator reads element 0.
      const match = routes.find((route) => route.startMapId === startMapId);
      routes = match ? [match] : [];
    }
    const { items, envelope } = pageOf(byId(routes), listing);
    const now = deps.now();
    const included: Resource[] = [];
    const data = items.map((route) => {
      const schedule = loaded!.schedules.get(route.id)!;
      const trips = withSchedule ? tripsOfToday(timetableAt(schedule, now), now) : undefined;
      if (trips) included.push(...trips.map(tripResource));
      return routeResource(route, schedule, loaded!.tenant.id, now, trips);
    });
    return answer(collection(data, { included, envelope }), query);
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

  // Not in the reference: the hulls two routes share (the console's day timeline per vessel).
  app.get('/transports/vessels', async (request) => {
    const loaded = tenantOf(request);
    const idOf = (name: string) => loaded?.routes.find((route) => route.name === name)?.id ?? null;
    return collection((loaded?.vessels ?? []).map((vessel) => vesselResource(vessel, idOf)));
  });

  app.get('/transports/instance-routes', async (request) => {
    const query = request.query as Query;
    const listing = parseListing(request.url, STANDARD_PAGES);
    const { items, envelope } = pageOf(byId(tenantOf(request)?.instanceRoutes ?? []), listing);
    return answer(collection(items.map(instanceRouteResource), { envelope }), query);
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
    const listing = parseListing(request.url, STANDARD_PAGES);
    const rides = await deps.rides.ofRoute(request.tenant.id, routeId, deps.now());
    // A removed route can still have rides finishing; only a route with neither is unknown.
    if (rides.length === 0 && !tenantOf(request)?.instanceRoutesById.has(routeId)) {
      throw notFound(`instance route ${routeId} not found`);
    }
    const { items, envelope } = pageOf(byId(rides), listing);
    return answer(collection(items.map(instanceStatusResource), { envelope }), query);
  });

  app.post('/transports/instance-routes/:routeId/start', async (request, reply) => {
    const { attributes } = parseRequestDocument(request.body, 'start-transport', startAttributes);
    const routeId = routeIdParam(request);
    try {
      await deps.instances.start(request.tenant, routeId, attributes, causeOfRequest(request.headers));
    } catch (error) {
      if (error instanceof StartError) {
        throw error.reason === 'unknown-route' ? notFound(error.message) : badRequest(error.message);
      }
      throw error;
    }
    return reply.status(204).send();
  });

  if (deps.control) controlRoutes(app, deps.control, deps.now);
  if (deps.manifests) manifestRoutes(app, { ...deps.manifests, tenants: deps.tenants, now: deps.now });
}
