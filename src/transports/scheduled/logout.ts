import { NIL_UUID, type Tenant } from '../../platform/tenant.js';
import type { Warp } from '../producer.js';
import type { LoadedTenant } from '../tenants/loaded-tenant.js';
import { spawnPortalPicker, type WarpDeps } from './warps.js';

/**
 * A character who logs out on a dock (staging map) or aboard (en-route map) is sent back to the route's
 * start map, so the next login does not find it on a ship that has long sailed (transports.md §3.6).
 * Routes are tried in name order; the bundled maps belong to one route each.
 */
export async function logoutWarp(
  deps: WarpDeps,
  loaded: LoadedTenant | undefined,
  tenant: Tenant,
  at: { characterId: number; worldId: number; channelId: number; mapId: number },
): Promise<Warp | undefined> {
  const route = loaded?.routes.find(
    (candidate) => candidate.stagingMapId === at.mapId || candidate.enRouteMapIds.includes(at.mapId),
  );
  if (!route) return undefined;
  const pick = await spawnPortalPicker(deps, tenant, route.startMapId);
  return {
    worldId: at.worldId,
    channelId: at.channelId,
    characterId: at.characterId,
    mapId: route.startMapId,
    instance: NIL_UUID,
    portalId: pick(),
  };
}
