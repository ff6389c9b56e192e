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
