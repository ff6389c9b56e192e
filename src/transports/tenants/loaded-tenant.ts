import type { Tenant } from '../../platform/tenant.js';
import type { InstanceRoute, ScheduledRoute, TenantConfiguration, Vessel, World } from '../core/model.js';
import { nextSchedule, type RouteSchedule } from '../core/schedule.js';
import { computeTimetables } from '../core/timetable.js';

/**
 * One tenant's configuration, validated and indexed, with its day's timetables: immutable, so a reload
 * builds a new one and swaps it in whole (decisions C9) and readers never see half of each.
 */
export interface LoadedTenant {
  readonly tenant: Tenant;
  readonly name: string;
  readonly worlds: readonly World[];
  /** Sorted by name: REST lists and "first matching route" rules get one stable order. */
  readonly routes: readonly ScheduledRoute[];
  readonly routesById: ReadonlyMap<string, ScheduledRoute>;
  /** Each route's timetable, with the one it is handing over from after a travel-rate change. */
  readonly schedules: ReadonlyMap<string, RouteSchedule>;
  readonly travelRate: number;
  readonly vessels: readonly Vessel[];
  readonly instanceRoutes: readonly InstanceRoute[];
  readonly instanceRoutesById: ReadonlyMap<string, InstanceRoute>;
  /** Transit map → instance routes that use it, sorted by name (decisions C13: deterministic). */
  readonly instanceRoutesByTransitMap: ReadonlyMap<number, readonly InstanceRoute[]>;
}

const byName = <T extends { name: string; id: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * `previous` is the configuration being replaced and `now` the reload's instant: a travel-rate change hands
 * each route over at its next boundary (see RouteSchedule).
 */
export function loadTenant(
  configuration: TenantConfiguration,
  previous?: LoadedTenant,
  now = 0,
): LoadedTenant {
  const { tenant } = configuration;
  const routes = [...configuration.routes].sort(byName);
  const instanceRoutes = [...configuration.instanceRoutes].sort(byName);
  const byTransitMap = new Map<number, InstanceRoute[]>();
  for (const route of instanceRoutes) {
    for (const mapId of new Set(route.transitMapIds)) {
      const list = byTransitMap.get(mapId);
      if (list) list.push(route);
      else byTransitMap.set(mapId, [route]);
    }
  }
  const rateChanged = previous !== undefined && previous.travelRate !== tenant.travelRate;
  const timetables = computeTimetables(configuration.routes, configuration.vessels);
  const schedules = new Map<string, RouteSchedule>();
  for (const [routeId, timetable] of timetables) {
    schedules.set(routeId, nextSchedule(previous?.schedules.get(routeId), timetable, rateChanged, now));
  }
  return {
    tenant: {
      id: tenant.id,
      region: tenant.region,
      majorVersion: tenant.majorVersion,
      minorVersion: tenant.minorVersion,
    },
    name: tenant.name,
    worlds: tenant.worlds,
    routes,
    routesById: new Map(routes.map((route) => [route.id, route])),
    schedules,
    travelRate: tenant.travelRate,
    vessels: configuration.vessels,
    instanceRoutes,
    instanceRoutesById: new Map(instanceRoutes.map((route) => [route.id, route])),
    instanceRoutesByTransitMap: byTransitMap,
  };
}

/** The tenants currently served. Lookups by tenant id only, as the reference keys every registry. */
export class TenantRegistry {
  private readonly tenants = new Map<string, LoadedTenant>();

  get(tenantId: string): LoadedTenant | undefined {
    return this.tenants.get(tenantId);
  }

  all(): LoadedTenant[] {
    return [...this.tenants.values()];
  }

  /** Swaps in a tenant's new configuration; returns the one it replaced. */
  swap(loaded: LoadedTenant): LoadedTenant | undefined {
    const previous = this.tenants.get(loaded.tenant.id);
    this.tenants.set(loaded.tenant.id, loaded);
    return previous;
  }
}
