// The validated transport models the rest of the service trusts. Durations are milliseconds
// whatever unit the configuration used (minutes for routes, seconds for vessels and instance routes).

export type RouteState = 'out_of_service' | 'awaiting_return' | 'open_entry' | 'locked_entry' | 'in_transit';

export interface World {
  readonly id: number;
  readonly name: string;
  readonly channels: readonly number[];
}

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly worlds: readonly World[];
  /**
   * Every scheduled and instance duration of the tenant is divided by this (default 1): a small server
   * runs its ships faster, as Cosmic's and HeavenMS's travel rate does. The models below are already scaled.
   */
  readonly travelRate: number;
}

export interface ScheduledRoute {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly startMapId: number;
  readonly stagingMapId: number;
  readonly enRouteMapIds: readonly number[];
  readonly destinationMapId: number;
  readonly observationMapId: number;
  readonly boardingWindowMs: number;
  readonly preDepartureMs: number;
  readonly travelMs: number;
  readonly cycleIntervalMs: number;
}

/** A ship shared by two routes (legs A and B, paired by route name) that alternate all day. */
export interface Vessel {
  readonly slug: string;
  readonly name: string;
  readonly routeAName: string;
  readonly routeBName: string;
  readonly turnaroundMs: number;
}

export interface InstanceRoute {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly startMapId: number;
  readonly transitMapIds: readonly number[];
  readonly destinationMapId: number;
  readonly capacity: number;
  readonly boardingWindowMs: number;
  readonly travelMs: number;
  readonly transitMessage: string;
  /** Consumable items whose effect (the Temple of Time dragon morph) the rider wears for the ride. */
  readonly effectItemIds: readonly number[];
  /** Where a ride whose travel time runs out goes instead of the destination; 0 = none (HEAD #1190). */
  readonly forcedReturnMapId: number;
}

export interface TenantConfiguration {
  readonly tenant: Tenant;
  readonly routes: readonly ScheduledRoute[];
  readonly vessels: readonly Vessel[];
  readonly instanceRoutes: readonly InstanceRoute[];
  /** One line per configuration entry that was skipped or looks wrong; the rest still loads. */
  readonly problems: readonly string[];
}
