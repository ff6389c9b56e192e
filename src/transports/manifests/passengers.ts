import type { FieldDirectory } from '../../platform/fields.js';
import { NIL_UUID, type Tenant } from '../../platform/tenant.js';
import type { ChannelRegistry } from '../channels.js';
import type { ScheduledRoute } from '../core/model.js';
import { type RouteSchedule, voyageAt } from '../core/schedule.js';
import type { ManifestStore } from './manifests.js';

/** A character aboard a scheduled route now: on its dock (staging map) or in an en-route map. */
export interface Passenger {
  readonly characterId: number;
  readonly mapId: number;
  /** When they boarded the voyage under way (from its manifest); null on the dock, or when unknown. */
  readonly since: number | null;
}

export interface PassengerDeps {
  readonly directory: FieldDirectory;
  readonly channels: ChannelRegistry;
  readonly manifests: Pick<ManifestStore, 'boardedAt'>;
}

/**
 * Who is aboard a route now, as presence (atlas-maps or the embedded module) sees its maps on every registered
 * channel; a field that cannot be read fails the answer (a partial list would read as "nobody there").
 */
export async function passengersOf(
  deps: PassengerDeps,
  tenant: Tenant,
  route: ScheduledRoute,
  schedule: RouteSchedule,
  now: number,
): Promise<Passenger[]> {
  const maps = [route.stagingMapId, ...route.enRouteMapIds];
  const fields = maps.flatMap((mapId) =>
    deps.channels.list(tenant.id).map((channel) => ({ ...channel, mapId, instance: NIL_UUID })),
  );
  const found = await Promise.all(fields.map((field) => deps.directory.charactersIn(tenant, field)));
  const voyage = voyageAt(schedule, tenant.id, now);
  const boarded = voyage ? await deps.manifests.boardedAt(tenant.id, voyage.id) : new Map<number, number>();
  const passengers = new Map<number, Passenger>();
  found.forEach((characterIds, index) => {
    const { mapId } = fields[index]!;
    const aboard = mapId !== route.stagingMapId;
    for (const characterId of characterIds) {
      if (passengers.has(characterId)) continue;
      passengers.set(characterId, {
        characterId,
        mapId,
        since: aboard ? (boarded.get(characterId) ?? null) : null,
      });
    }
  });
  return [...passengers.values()].sort((a, b) => a.characterId - b.characterId);
}
