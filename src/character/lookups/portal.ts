import type { AtlasClient } from '../../platform/http/client.js';
import type { Logger } from '../../platform/logging.js';
import type { Tenant } from '../../platform/tenant.js';

export interface PortalPosition {
  readonly x: number;
  readonly y: number;
}

const int16 = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= -32768 && value <= 32767
    ? value
    : undefined;

/**
 * Where a portal stands, from the data service (DATA_SERVICE_URL, else BASE_SERVICE_URL). Optional: with no
 * service configured, or when it fails, the answer is "unknown" and a map change still happens (B13).
 */
export class PortalLookup {
  constructor(
    private readonly client: AtlasClient,
    private readonly root: string | undefined,
    private readonly logger: Logger,
  ) {}

  async position(tenant: Tenant, mapId: number, portalId: number): Promise<PortalPosition | undefined> {
    if (!this.root) return undefined;
    try {
      const portal = await this.client.getOne(
        `${this.root}data/maps/${mapId}/portals/${portalId}`,
        'portals',
        tenant,
      );
      const x = int16(portal.attributes.x);
      const y = int16(portal.attributes.y);
      return x === undefined || y === undefined ? undefined : { x, y };
    } catch (error) {
      this.logger.warn({ err: error, mapId, portalId }, 'portal look-up failed; position falls back to 0,0');
      return undefined;
    }
  }
}
