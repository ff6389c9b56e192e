import type { AtlasClient } from '../../platform/http/client.js';
import type { Tenant } from '../../platform/tenant.js';

/** A spawn point is a portal of type 0 that leads nowhere (target map 999999999), as the reference picks. */
const SPAWN_TYPE = 0;
const NO_TARGET_MAP = 999_999_999;

/** The spawn portals of a map, for the random landing spot of scheduled-route warps. */
export interface SpawnPortals {
  /** Candidate portal ids; empty when the map has none (the warp then uses portal 0). */
  of(tenant: Tenant, mapId: number): Promise<number[]>;
}

/** Without DATA_SERVICE_URL there is no portal data: every warp lands on portal 0. */
export const NO_PORTAL_DATA: SpawnPortals = { of: async () => [] };

export class AtlasDataPortals implements SpawnPortals {
  constructor(
    private readonly client: AtlasClient,
    private readonly baseUrl: string,
  ) {}

  async of(tenant: Tenant, mapId: number): Promise<number[]> {
    const resources = await this.client.getMany(
      `${this.baseUrl}data/maps/${mapId}/portals`,
      'portals',
      tenant,
    );
    const ids: number[] = [];
    for (const { id, attributes } of resources) {
      if (attributes.type !== SPAWN_TYPE || attributes.targetMapId !== NO_TARGET_MAP) continue;
      const portalId = Number(id);
      if (Number.isInteger(portalId) && portalId >= 0) ids.push(portalId);
    }
    return ids;
  }
}
