import type { Field } from '../platform/fields.js';
import { normaliseUuid } from '../platform/tenant.js';

/** One tenant's map: where each character stands, and who stands in each field. */
interface TenantPresence {
  readonly positions: Map<number, Field>;
  readonly occupants: Map<string, Set<number>>;
  /** The same, per map over all its instances (HEAD's `.../maps/{m}/characters`). */
  readonly mapOccupants: Map<string, Set<number>>;
}

type MapOf = Omit<Field, 'instance'>;

function mapKey(field: MapOf): string {
  return `${field.worldId}:${field.channelId}:${field.mapId}`;
}

function fieldKey(field: Field): string {
  return `${mapKey(field)}:${normaliseUuid(field.instance)}`;
}

function add(index: Map<string, Set<number>>, key: string, characterId: number): void {
  const set = index.get(key);
  if (set) set.add(characterId);
  else index.set(key, new Set([characterId]));
}

function drop(index: Map<string, Set<number>>, key: string, characterId: number): void {
  const set = index.get(key);
  set?.delete(characterId);
  // Empty entries are dropped so that memory follows the characters online, not every map ever visited.
  if (set?.size === 0) index.delete(key);
}

const ascending = (set: Set<number> | undefined) => (set ? [...set].sort((a, b) => a - b) : []);

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
    add(presence.occupants, fieldKey(stored), characterId);
    add(presence.mapOccupants, mapKey(stored), characterId);
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
    return ascending(this.tenant(tenantId, false)?.occupants.get(fieldKey(field)));
  }

  /** Character ids in any instance of the map, ascending. */
  charactersInMap(tenantId: string, map: MapOf): number[] {
    return ascending(this.tenant(tenantId, false)?.mapOccupants.get(mapKey(map)));
  }

  private leave(presence: TenantPresence, characterId: number): Field | undefined {
    const field = presence.positions.get(characterId);
    if (!field) return undefined;
    presence.positions.delete(characterId);
    drop(presence.occupants, fieldKey(field), characterId);
    drop(presence.mapOccupants, mapKey(field), characterId);
    return field;
  }

  private tenant(tenantId: string, create: true): TenantPresence;
  private tenant(tenantId: string, create: false): TenantPresence | undefined;
  private tenant(tenantId: string, create: boolean): TenantPresence | undefined {
    let presence = this.tenants.get(tenantId);
    if (!presence && create) {
      presence = { positions: new Map(), occupants: new Map(), mapOccupants: new Map() };
      this.tenants.set(tenantId, presence);
    }
    return presence;
  }
}
