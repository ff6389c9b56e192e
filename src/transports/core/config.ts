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

/**
 * A configured duration under the tenant's travel rate, in whole milliseconds: the timetable packs
 * milliseconds, and the timers, REST's nanoseconds and its whole `*Seconds` all derive from this one value,
 * so they can never disagree. A positive duration never rounds to 0 (a zero cycle would never advance).
 */
export function scaledMs(ms: number, travelRate: number): number {
  if (ms === 0 || travelRate === 1) return ms;
  return Math.max(1, Math.round(ms / travelRate));
}

/**
 * The most a scaled route or instance-route duration may be: REST shows it as Go time.Duration nanoseconds
 * (int64), and a travel rate below 1 lengthens durations past what the configuration bounds allowed.
 */
const MAX_SCALED_MS = 153_722_867 * MINUTE_MS;

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
  toModel: (resource: R) => T | string,
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
      const model = toModel(result.data);
      if (typeof model === 'string') problems.push(`${label}: ${model}`);
      else items.push(model);
    }
  });
  return { items, problems };
}

/** The first of `durations` (field name → scaled ms) too long for REST, as a problem line; else undefined. */
function tooLong(durations: Record<string, number>, travelRate: number): string | undefined {
  for (const [field, ms] of Object.entries(durations)) {
    if (ms > MAX_SCALED_MS)
      return `${field} at travelRate ${travelRate} exceeds ${MAX_SCALED_MS / MINUTE_MS} minutes`;
  }
  return undefined;
}

function toScheduledRoute(
  tenantId: string,
  { id, attributes: a }: RouteResource,
  rate: number,
): ScheduledRoute | string {
  const route: ScheduledRoute = {
    id: scheduledRouteId(tenantId, id),
    slug: id,
    name: a.name,
    startMapId: a.startMapId,
    stagingMapId: a.stagingMapId,
    enRouteMapIds: a.enRouteMapIds,
    destinationMapId: a.destinationMapId,
    observationMapId: a.observationMapId,
    boardingWindowMs: scaledMs(a.boardingWindowDuration * MINUTE_MS, rate),
    preDepartureMs: scaledMs(a.preDepartureDuration * MINUTE_MS, rate),
    travelMs: scaledMs(a.travelDuration * MINUTE_MS, rate),
    cycleIntervalMs: scaledMs(a.cycleInterval * MINUTE_MS, rate),
  };
  const problem = tooLong(
    {
      boardingWindowDuration: route.boardingWindowMs,
      preDepartureDuration: route.preDepartureMs,
      travelDuration: route.travelMs,
      cycleInterval: route.cycleIntervalMs,
    },
    rate,
  );
  return problem ?? route;
}

function toVessel({ id, attributes: a }: VesselResource, rate: number): Vessel {
  return {
    slug: id,
    name: a.name,
    routeAName: a.routeAID,
    routeBName: a.routeBID,
    turnaroundMs: scaledMs(a.turnaroundDelay * SECOND_MS, rate),
  };
}

function toInstanceRoute(
  tenantId: string,
  { id, attributes: a }: InstanceRouteResource,
  rate: number,
): InstanceRoute | string {
  const route: InstanceRoute = {
    id: instanceRouteId(tenantId, id),
    slug: id,
    name: a.name,
    startMapId: a.startMapId,
    transitMapIds: a.transitMapIds,
    destinationMapId: a.destinationMapId,
    capacity: a.capacity,
    boardingWindowMs: scaledMs(a.boardingWindowSeconds * SECOND_MS, rate),
    travelMs: scaledMs(a.travelDurationSeconds * SECOND_MS, rate),
    transitMessage: a.transitMessage ?? '',
    effectItemIds: a.effectItemIds ?? [],
    forcedReturnMapId: a.forcedReturnMapId ?? 0,
  };
  const problem = tooLong(
    { boardingWindowSeconds: route.boardingWindowMs, travelDurationSeconds: route.travelMs },
    rate,
  );
  return problem ?? route;
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
  travelRate?: number,
): ParsedResources<ScheduledRoute>;
export function parseConfigurationResources(
  kind: 'vessels',
  resources: readonly unknown[],
  tenantId: string,
  travelRate?: number,
): ParsedResources<Vessel>;
export function parseConfigurationResources(
  kind: 'instance-routes',
  resources: readonly unknown[],
  tenantId: string,
  travelRate?: number,
): ParsedResources<InstanceRoute>;
export function parseConfigurationResources(
  kind: ResourceKind,
  resources: readonly unknown[],
  tenantId: string,
  travelRate = 1,
): ParsedResources<ScheduledRoute | Vessel | InstanceRoute> {
  const namespace = tenantId.toLowerCase();
  const rate = travelRate;
  switch (kind) {
    case 'routes':
      return parseEach(kind, resources, routeResourceSchema, (r) => toScheduledRoute(namespace, r, rate));
    case 'vessels':
      return parseEach(kind, resources, vesselResourceSchema, (r) => toVessel(r, rate));
    case 'instance-routes':
      return parseEach(kind, resources, instanceRouteResourceSchema, (r) =>
        toInstanceRoute(namespace, r, rate),
      );
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
  const rate = entry.travelRate;
  const routes = parseConfigurationResources('routes', entry.routes, tenantId, rate);
  const vessels = parseConfigurationResources('vessels', entry.vessels, tenantId, rate);
  const instanceRoutes = parseConfigurationResources('instance-routes', entry.instanceRoutes, tenantId, rate);
  return {
    tenant: {
      id: tenantId,
      name: entry.name,
      region: entry.region,
      majorVersion: entry.majorVersion,
      minorVersion: entry.minorVersion,
      worlds: entry.worlds,
      travelRate: rate,
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
