import type { Field } from '../platform/fields.js';
import { normaliseUuid } from '../platform/tenant.js';

/** One tenant's map: where each character stands, and who stands in each field. */
interface TenantPresence {
  readonly positions: Map<number, Field>;
  readonly occupants: Map<string, Set<number>>;
}

function fieldKey(field: Field): string {
  return `${field.worldId}:${field.channelId}:${field.mapId}:${normaliseUuid(field.instance)}`;
}

/**
 * Where every character stands, per tenant, in memory: the reads (every warp of every boat asks) never wait
 * on the database. The presence table is its durable copy, loaded back at start-up. Indexed both ways so
 * that "where is this character" and "who is in this field" each cost only the size of their answer.
 *
 * A character stands in at most one field: placing it somewhere takes it out of wherever it stood, so an
 * event missed on the way (a lost MAP_CHANGED, say) can never leave it standing in two maps at once.
 */
export class PresenceRegistry {
  private readonly tenants = new Map<string, TenantPresence>();

  /** Puts the character in `field`, leaving the field it stood in before (if any). */
  place(tenantId: string, characterId: number, field: Field): void {
    const presence = this.tenant(tenantId, true);
    this.leave(presence, characterId);
    const stored: Field = { ...field, instance: normaliseUuid(field.instance) };
    presence.positions.set(characterId, stored);
    const key = fieldKey(stored);
    const occupants = presence.occupants.get(key);
    if (occupants) occupants.add(characterId);
    else presence.occupants.set(key, new Set([characterId]));
  }

  /** Takes the character out of the game; returns the field it stood in, if it stood anywhere. */
  remove(tenantId: string, characterId: number): Field | undefined {
    const presence = this.tenant(tenantId, false);
    if (!presence) return undefined;
    const field = this.leave(presence, characterId);
    if (presence.positions.size === 0) this.tenants.delete(tenantId);
    return field;
  }

  fieldOf(tenantId: string, characterId: number): Field | undefined {
    return this.tenant(tenantId, false)?.positions.get(characterId);
  }

  /** Character ids in the field, ascending (a stable order for REST answers and callers that compare). */
  charactersIn(tenantId: string, field: Field): number[] {
    const occupants = this.tenant(tenantId, false)?.occupants.get(fieldKey(field));
    return occupants ? [...occupants].sort((a, b) => a - b) : [];
  }

  private leave(presence: TenantPresence, characterId: number): Field | undefined {
    const field = presence.positions.get(characterId);
    if (!field) return undefined;
    presence.positions.delete(characterId);
    const key = fieldKey(field);
    const occupants = presence.occupants.get(key);
    occupants?.delete(characterId);
    // Empty fields are dropped so that memory follows the characters online, not every map ever visited.
    if (occupants?.size === 0) presence.occupants.delete(key);
    return field;
  }

  private tenant(tenantId: string, create: true): TenantPresence;
  private tenant(tenantId: string, create: false): TenantPresence | undefined;
  private tenant(tenantId: string, create: boolean): TenantPresence | undefined {
    let presence = this.tenants.get(tenantId);
    if (!presence && create) {
      presence = { positions: new Map(), occupants: new Map() };
      this.tenants.set(tenantId, presence);
    }
    return presence;
  }
}
