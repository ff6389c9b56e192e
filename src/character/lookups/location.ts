import type { LocationOwner } from '../../platform/config.js';
import type { LocationDirectory } from '../../platform/fields.js';
import type { AtlasClient } from '../../platform/http/client.js';
import type { Logger } from '../../platform/logging.js';
import { isUuid, normaliseUuid, type Tenant } from '../../platform/tenant.js';

export interface MapLocation {
  readonly mapId: number;
  readonly instance: string;
  /** The channel the owner last saw the character on, when it said. */
  readonly channelId?: number;
}

const isMapId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;

/**
 * Where the location owner says a character is (K13), for the LOGIN and LOGOUT bodies in `maps` mode: from
 * presence's table in process when presence runs here, else `GET {MAPS_SERVICE_URL}/characters/{id}/location`
 * (HEAD atlas-maps). `undefined` (no owner to ask, no row, a failure) means "use the character's own row",
 * which the service keeps current from the owner's MAP_CHANGED / CHANNEL_CHANGED; HEAD answers map 0 there.
 */
export class LocationLookup {
  constructor(
    /** Who owns location (config LOCATION_OWNER). */
    readonly owner: LocationOwner,
    /** True when the owner is the presence module of this process. */
    readonly inProcess: boolean,
    private readonly directory: LocationDirectory,
    private readonly client: AtlasClient,
    private readonly mapsRoot: string | undefined,
    private readonly logger: Logger,
  ) {}

  async locationOf(tenant: Tenant, characterId: number): Promise<MapLocation | undefined> {
    if (this.owner !== 'maps') return undefined;
    if (this.inProcess) return this.directory.locationOf(tenant, characterId);
    if (!this.mapsRoot) return undefined;
    try {
      const { attributes } = await this.client.getOne(
        `${this.mapsRoot}characters/${characterId}/location`,
        'character-locations',
        tenant,
      );
      const { mapId, instance, channelId } = attributes;
      if (!isMapId(mapId) || typeof instance !== 'string' || !isUuid(instance)) return undefined;
      const channel = typeof channelId === 'number' && Number.isInteger(channelId) ? { channelId } : {};
      return { mapId, instance: normaliseUuid(instance), ...channel };
    } catch (error) {
      this.logger.warn({ err: error, characterId }, 'location look-up failed; the character row is used');
      return undefined;
    }
  }
}
