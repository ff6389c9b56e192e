import type { Tenant } from './tenant.js';

/** A field is where a character stands: world, channel, map and map instance (nil UUID for the shared map). */
export interface Field {
  readonly worldId: number;
  readonly channelId: number;
  readonly mapId: number;
  readonly instance: string;
}

/** "Who stands in this field": answered by the embedded presence module or by atlas-maps over REST. */
export interface FieldDirectory {
  charactersIn(tenant: Tenant, field: Field): Promise<number[]>;
}

/**
 * The one seam between presence and transports inside one process: presence provides, transports asks.
 * Domains still never import each other's files.
 */
export class FieldDirectoryHolder implements FieldDirectory {
  private provider: FieldDirectory | undefined;

  provide(directory: FieldDirectory): void {
    this.provider = directory;
  }

  get available(): boolean {
    return this.provider !== undefined;
  }

  charactersIn(tenant: Tenant, field: Field): Promise<number[]> {
    if (!this.provider)
      return Promise.reject(new Error('no field directory: enable presence or set MAPS_SERVICE_URL'));
    return this.provider.charactersIn(tenant, field);
  }
}

/** HEAD's presence states of a character location (`IN_CASH_SHOP` is not tracked by the stand-in). */
export type PresenceState = 'OFFLINE' | 'IN_FIELD' | 'IN_CASH_SHOP';

/** Where a character is, online or not: HEAD atlas-maps' `character-locations` resource. */
export interface CharacterLocation extends Field {
  readonly state: PresenceState;
}

/** "Where is this character": answered in process by presence when it is the location owner. */
export interface LocationDirectory {
  locationOf(tenant: Tenant, characterId: number): Promise<CharacterLocation | undefined>;
}

/**
 * The seam through which the character service reads presence's location table in process (for the
 * LOGIN / LOGOUT bodies in `maps` mode) without importing presence's files.
 */
export class LocationDirectoryHolder implements LocationDirectory {
  private provider: LocationDirectory | undefined;

  provide(directory: LocationDirectory): void {
    this.provider = directory;
  }

  get available(): boolean {
    return this.provider !== undefined;
  }

  locationOf(tenant: Tenant, characterId: number): Promise<CharacterLocation | undefined> {
    if (!this.provider) return Promise.resolve(undefined);
    return this.provider.locationOf(tenant, characterId);
  }
}
