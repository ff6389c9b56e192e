import type * as z from 'zod';
import {
  describeIssues,
  type InstanceRouteResource,
  instanceRouteResourceSchema,
  type RouteResource,
  routeResourceSchema,
  tenantEntrySchema,
  tenantsFileSchema,
  type VesselResource,
  vesselResourceSchema,
} from './config-schema.js';
import { instanceRouteId, scheduledRouteId } from './ids.js';
import type { InstanceRoute, ScheduledRoute, TenantConfiguration, Vessel } from './model.js';

const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

export type ResourceKind = 'routes' | 'vessels' | 'instance-routes';

export interface ParsedResources<T> {
  readonly items: T[];
  readonly problems: string[];
}

/** The tenant entry itself (id, region, versions, worlds) is unusable; its resources were not read. */
export class InvalidTenantConfigurationError extends Error {
  override readonly name = 'InvalidTenantConfigurationError';
}

const ENTRY_NOUN: Record<ResourceKind, string> = {
  routes: 'route',
  vessels: 'vessel',
  'instance-routes': 'instance route',
};

function slugOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return undefined;
  return typeof raw.id === 'string' && raw.id !== '' ? raw.id : undefined;
}

function entryLabel(noun: string, raw: unknown, index: number): string {
  const slug = slugOf(raw);
  return slug === undefined ? `${noun} #${index}` : `${noun} "${slug}"`;
}

// Each entry stands alone (decisions C9): a bad one is reported and skipped, the others still load.
function parseEach<R extends { id: string }, T>(
  kind: ResourceKind,
  resources: readonly unknown[],
  schema: z.ZodType<R>,
  toModel: (resource: R) => T,
): ParsedResources<T> {
  const noun = ENTRY_NOUN[kind];
  const items: T[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  resources.forEach((raw, index) => {
    const label = entryLabel(noun, raw, index);
    const result = schema.safeParse(raw);
    if (!result.success) {
      problems.push(`${label}: ${describeIssues(result.error)}`);
    } else if (seen.has(result.data.id)) {
      // Two entries with one slug would get one derived id.
      problems.push(`${label}: id is already used by an earlier ${noun}`);
    } else {
      seen.add(result.data.id);
      items.push(toModel(result.data));
    }
  });
  return { items, problems };
}

function toScheduledRoute(tenantId: string, { id, attributes: a }: RouteResource): ScheduledRoute {
  return {
    id: scheduledRouteId(tenantId, id),
    slug: id,
    name: a.name,
    startMapId: a.startMapId,
    stagingMapId: a.stagingMapId,
    enRouteMapIds: a.enRouteMapIds,
    destinationMapId: a.destinationMapId,
    observationMapId: a.observationMapId,
    boardingWindowMs: a.boardingWindowDuration * MINUTE_MS,
    preDepartureMs: a.preDepartureDuration * MINUTE_MS,
    travelMs: a.travelDuration * MINUTE_MS,
    cycleIntervalMs: a.cycleInterval * MINUTE_MS,
  };
}

function toVessel({ id, attributes: a }: VesselResource): Vessel {
  return {
    slug: id,
    name: a.name,
    routeAName: a.routeAID,
    routeBName: a.routeBID,
    turnaroundMs: a.turnaroundDelay * SECOND_MS,
  };
}

function toInstanceRoute(tenantId: string, { id, attributes: a }: InstanceRouteResource): InstanceRoute {
  return {
    id: instanceRouteId(tenantId, id),
    slug: id,
    name: a.name,
    startMapId: a.startMapId,
    transitMapIds: a.transitMapIds,
    destinationMapId: a.destinationMapId,
    capacity: a.capacity,
    boardingWindowMs: a.boardingWindowSeconds * SECOND_MS,
    travelMs: a.travelDurationSeconds * SECOND_MS,
    transitMessage: a.transitMessage ?? '',
  };
}

/**
 * Reads one kind of configuration resource, from the bundled file or from the `data` array of the Atlas
 * tenants service (same resource shape). The tenant id is the namespace of the derived route ids
 * (a TypeError when it is not a UUID).
 */
export function parseConfigurationResources(
  kind: 'routes',
  resources: readonly unknown[],
  tenantId: string,
): ParsedResources<ScheduledRoute>;
export function parseConfigurationResources(
  kind: 'vessels',
  resources: readonly unknown[],
  tenantId: string,
): ParsedResources<Vessel>;
export function parseConfigurationResources(
  kind: 'instance-routes',
  resources: readonly unknown[],
  tenantId: string,
): ParsedResources<InstanceRoute>;
export function parseConfigurationResources(
  kind: ResourceKind,
  resources: readonly unknown[],
  tenantId: string,
): ParsedResources<ScheduledRoute | Vessel | InstanceRoute> {
  const namespace = tenantId.toLowerCase();
  switch (kind) {
    case 'routes':
      return parseEach(kind, resources, routeResourceSchema, (r) => toScheduledRoute(namespace, r));
    case 'vessels':
      return parseEach(kind, resources, vesselResourceSchema, toVessel);
    case 'instance-routes':
      return parseEach(kind, resources, instanceRouteResourceSchema, (r) => toInstanceRoute(namespace, r));
  }
}

/**
 * Vessels pair routes by name. A leg naming no route leaves the vessel without trips (and its partner
 * route too), which is legal but almost certainly a mistake worth reporting.
 */
export function vesselLegProblems(routes: readonly ScheduledRoute[], vessels: readonly Vessel[]): string[] {
  const routeNames = new Set(routes.map((route) => route.name));
  const problems: string[] = [];
  for (const vessel of vessels) {
    const label = `vessel "${vessel.slug}"`;
    if (vessel.routeAName === vessel.routeBName) {
      problems.push(`${label}: routeAID and routeBID both name "${vessel.routeAName}", so it runs no trips`);
      continue;
    }
    for (const [field, name] of [
      ['routeAID', vessel.routeAName],
      ['routeBID', vessel.routeBName],
    ] as const) {
      if (!routeNames.has(name)) {
        problems.push(`${label}: ${field} "${name}" names no configured route, so it runs no trips`);
      }
    }
  }
  return problems;
}

/** One tenant entry of config/tenants.json. Throws InvalidTenantConfigurationError on a bad tenant. */
export function parseTenantConfiguration(raw: unknown): TenantConfiguration {
  const result = tenantEntrySchema.safeParse(raw);
  if (!result.success) {
    const slug = slugOf(raw);
    const label = slug === undefined ? 'tenant' : `tenant "${slug}"`;
    throw new InvalidTenantConfigurationError(`${label}: ${describeIssues(result.error)}`);
  }
  const entry = result.data;
  const tenantId = entry.id.toLowerCase();
  const routes = parseConfigurationResources('routes', entry.routes, tenantId);
  const vessels = parseConfigurationResources('vessels', entry.vessels, tenantId);
  const instanceRoutes = parseConfigurationResources('instance-routes', entry.instanceRoutes, tenantId);
  return {
    tenant: {
      id: tenantId,
      name: entry.name,
      region: entry.region,
      majorVersion: entry.majorVersion,
      minorVersion: entry.minorVersion,
      worlds: entry.worlds,
    },
    routes: routes.items,
    vessels: vessels.items,
    instanceRoutes: instanceRoutes.items,
    problems: [
      ...routes.problems,
      ...vessels.problems,
      ...instanceRoutes.problems,
      ...vesselLegProblems(routes.items, vessels.items),
    ],
  };
}

/**
 * The whole `{"tenants": [...]}` file. A bad tenant entry (or a second entry with the same tenant id) is
 * reported and skipped; only a file without a `tenants` list throws.
 */
export function parseTenantsFile(raw: unknown): {
  configurations: TenantConfiguration[];
  problems: string[];
} {
  const file = tenantsFileSchema.safeParse(raw);
  if (!file.success) throw new InvalidTenantConfigurationError(`tenants file: ${describeIssues(file.error)}`);
  const configurations: TenantConfiguration[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of file.data.tenants) {
    try {
      const configuration = parseTenantConfiguration(entry);
      if (seen.has(configuration.tenant.id)) {
        problems.push(`tenant "${configuration.tenant.id}": listed twice, the later entry is skipped`);
      } else {
        seen.add(configuration.tenant.id);
        configurations.push(configuration);
      }
    } catch (error) {
      if (!(error instanceof InvalidTenantConfigurationError)) throw error;
      problems.push(error.message);
    }
  }
  return { configurations, problems };
}
