import type { Field } from '../platform/fields.js';
import { type AtlasClient, RemoteError } from '../platform/http/client.js';
import type { Logger } from '../platform/logging.js';
import { NIL_UUID, type Tenant } from '../platform/tenant.js';

/** `forcedReturnMapId` of a map that has none (`libs/atlas-constants/map` at HEAD). */
export const NO_FORCED_RETURN = 999_999_999;

export type MapExistence = 'exists' | 'missing' | 'unknown';

const isMapId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;

/**
 * HEAD atlas-maps' forced-return resolver: a character leaving the game (LOGOUT) or changing channel is sent
 * to its map's `forcedReturnMapId` (shared instance) when the map data names one. Without a data service,
 * when it fails, or for the sentinel, the character stays put, as atlas-maps does.
 */
export class MapData {
  constructor(
    private readonly client: AtlasClient,
    private readonly root: string | undefined,
    private readonly logger: Logger,
  ) {}

  async forcedReturn(tenant: Tenant, field: Field): Promise<Field> {
    if (!this.root) return field;
    try {
      const map = await this.client.getOne(`${this.root}data/maps/${field.mapId}`, 'maps', tenant);
      const target = map.attributes.forcedReturnMapId;
      if (!isMapId(target) || target === NO_FORCED_RETURN) return field;
      return { ...field, mapId: target, instance: NIL_UUID };
    } catch (error) {
      this.logger.warn({ err: error, mapId: field.mapId }, 'map data unavailable; the character stays put');
      return field;
    }
  }

  /** Whether the data service knows the map; `unknown` without a data service or when it fails. */
  async exists(tenant: Tenant, mapId: number): Promise<MapExistence> {
    if (!this.root) return 'unknown';
    try {
      await this.client.getOne(`${this.root}data/maps/${mapId}`, 'maps', tenant);
      return 'exists';
    } catch (error) {
      if (error instanceof RemoteError && error.status === 404) return 'missing';
      this.logger.warn({ err: error, mapId }, 'map data unavailable; the warp goes ahead unchecked');
      return 'unknown';
    }
  }
}
