import type { Tenant } from './tenant.js';

/** A field is where a character stands: world, channel, map and map instance (nil UUID for the shared map). */
export interface Field {
  readonly worldId: number;
  readonly channelId: number;
  readonly mapId: number;
  readonly instance: string;
}

/** One field of one tenant, as a batch of look-ups asks it. */
export interface FieldQuery {
  readonly tenant: Tenant;
  readonly field: Field;
}

/** "Who stands in this field": answered by the embedded presence module or by atlas-maps over REST. */
export interface FieldDirectory {
  charactersIn(tenant: Tenant, field: Field): Promise<number[]>;
  /**
   * Many fields at once, one answer per query in query order (a failed one rejected, the others still
   * answered), when the provider can answer them together (presence: one statement). Without it each field
   * is asked on its own (see charactersInFields).
   */
  charactersInFields?(queries: readonly FieldQuery[]): Promise<PromiseSettledResult<number[]>[]>;
}

/**
 * Who stands in each of `queries`, in order: one batch when the directory has it (a batch that fails
 * fails every query of it), else every field asked on its own, in parallel.
 */
export async function charactersInFields(
  directory: FieldDirectory,
  queries: readonly FieldQuery[],
): Promise<PromiseSettledResult<number[]>[]> {
  if (queries.length === 0) return [];
  if (!directory.charactersInFields)
    return Promise.allSettled(queries.map(({ tenant, field }) => directory.charactersIn(tenant, field)));
  try {
    return await directory.charactersInFields(queries);
  } catch (reason) {
    return queries.map(() => ({ status: 'rejected', reason }));
  }
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

  charactersInFields(queries: readonly FieldQuery[]): Promise<PromiseSettledResult<number[]>[]> {
    if (!this.provider)
      return Promise.reject(new Error('no field directory: enable presence or set MAPS_SERVICE_URL'));
    return charactersInFields(this.provider, queries);
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
