import type { Field, FieldDirectory } from '../../platform/fields.js';
import type { AtlasClient } from '../../platform/http/client.js';
import type { Tenant } from '../../platform/tenant.js';

/**
 * "Who is in this field" from atlas-maps (MAPS_SERVICE_URL), used instead of the embedded presence module.
 * The reference appends a trailing slash that atlas-maps answers with a redirect; the canonical path
 * needs no redirect.
 */
export class AtlasMapsDirectory implements FieldDirectory {
  constructor(
    private readonly client: AtlasClient,
    private readonly baseUrl: string,
  ) {}

  async charactersIn(tenant: Tenant, field: Field): Promise<number[]> {
    const url =
      `${this.baseUrl}worlds/${field.worldId}/channels/${field.channelId}` +
      `/maps/${field.mapId}/instances/${field.instance}/characters`;
    const resources = await this.client.getMany(url, 'characters', tenant);
    const ids: number[] = [];
    for (const resource of resources) {
      const id = Number(resource.id);
      if (Number.isInteger(id) && id >= 0 && id <= 0xffff_ffff) ids.push(id);
    }
    return ids;
  }
}
