import type { Tenant } from '../../platform/tenant.js';
import type { InstanceRoute } from '../core/model.js';

/** A character aboard, with the world and channel its START named (used for every later warp and event). */
export interface CharacterEntry {
  readonly characterId: number;
  readonly worldId: number;
  readonly channelId: number;
}

export type InstanceState = 'boarding' | 'in_transit';

/**
 * One ride of an instance route: an instanced copy of its transit map. It keeps the route it was created
 * for, so a reload that changes or removes the route never orphans the ride (the reference's route-id
 * lookup at arrival lost such passengers).
 */
export interface TransportInstance {
  readonly id: string;
  /** The tenant as the START named it: its headers go on every later message of the ride. */
  readonly tenant: Tenant;
  readonly route: InstanceRoute;
  readonly characters: CharacterEntry[];
  state: InstanceState;
  /** Set while its arrival or stuck warps are being sent: a late cancel must not race them. */
  ending: boolean;
  readonly boardingUntil: number;
  readonly arrivalAt: number;
  readonly createdAt: number;
}

interface TenantInstances {
  readonly instances: Map<string, TransportInstance>;
  /** Instances of each route in creation order: find-or-create takes the oldest with room. */
  readonly byRoute: Map<string, TransportInstance[]>;
  readonly riders: Map<number, string>;
  /** The route each character last rode, for login recovery on a shared transit map (decisions C13). */
  readonly lastRoute: Map<number, string>;
}

export type BoardResult =
  | { readonly ok: true; readonly instance: TransportInstance; readonly created: boolean }
  | { readonly ok: false; readonly reason: 'already-riding' };

/**
 * Every registry here is per tenant (decisions C6): one character id in two tenants is two characters.
 * Operations are synchronous, so each one is atomic under Node's single thread.
 */
export class InstanceRegistry {
  private readonly tenants = new Map<string, TenantInstances>();

  /**
   * Find-or-create and board in one step (decisions C7): the oldest boarding instance with room whose
   * boarding is still open at `now`, else a new one. No await between the check and the boarding, so
   * no concurrency can put more than `capacity` characters in one instance.
   */
  board(
    owner: Tenant,
    route: InstanceRoute,
    entry: CharacterEntry,
    now: number,
    newId: () => string,
  ): BoardResult {
    const tenant = this.tenant(owner.id);
    if (tenant.riders.has(entry.characterId)) return { ok: false, reason: 'already-riding' };
    let list = tenant.byRoute.get(route.id);
    if (!list) {
      list = [];
      tenant.byRoute.set(route.id, list);
    }
    let instance = list.find(
      (candidate) =>
        candidate.state === 'boarding' &&
        candidate.characters.length < candidate.route.capacity &&
        now < candidate.boardingUntil,
    );
    const created = instance === undefined;
    if (!instance) {
      const boardingUntil = now + route.boardingWindowMs;
      instance = {
        id: newId(),
        tenant: owner,
        route,
        characters: [],
        state: 'boarding',
        ending: false,
        boardingUntil,
        arrivalAt: boardingUntil + route.travelMs,
        createdAt: now,
      };
      tenant.instances.set(instance.id, instance);
      list.push(instance);
    }
    instance.characters.push(entry);
    tenant.riders.set(entry.characterId, instance.id);
    tenant.lastRoute.set(entry.characterId, route.id);
    return { ok: true, instance, created };
  }

  get(tenantId: string, instanceId: string): TransportInstance | undefined {
    return this.tenants.get(tenantId)?.instances.get(instanceId);
  }

  instanceOf(tenantId: string, characterId: number): TransportInstance | undefined {
    const tenant = this.tenants.get(tenantId);
    const instanceId = tenant?.riders.get(characterId);
    return instanceId === undefined ? undefined : tenant?.instances.get(instanceId);
  }

  lastRouteOf(tenantId: string, characterId: number): string | undefined {
    return this.tenants.get(tenantId)?.lastRoute.get(characterId);
  }

  /** Takes one character off its ride; returns its entry and the instance (undefined when it was not aboard). */
  leave(
    tenantId: string,
    characterId: number,
  ): { entry: CharacterEntry; instance: TransportInstance } | undefined {
    const instance = this.instanceOf(tenantId, characterId);
    const tenant = this.tenants.get(tenantId);
    tenant?.riders.delete(characterId);
    if (!instance) return undefined;
    const index = instance.characters.findIndex((c) => c.characterId === characterId);
    if (index < 0) return undefined;
    const [entry] = instance.characters.splice(index, 1);
    return { entry: entry!, instance };
  }

  /** A ride that ended normally: nothing to recover at the next login. */
  forgetLastRoute(tenantId: string, characterId: number): void {
    this.tenants.get(tenantId)?.lastRoute.delete(characterId);
  }

  /** Ends a ride: everyone still aboard is taken off (returned), the instance is gone. */
  release(tenantId: string, instanceId: string): CharacterEntry[] {
    const tenant = this.tenants.get(tenantId);
    const instance = tenant?.instances.get(instanceId);
    if (!tenant || !instance) return [];
    tenant.instances.delete(instanceId);
    const list = tenant.byRoute.get(instance.route.id) ?? [];
    const index = list.indexOf(instance);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) tenant.byRoute.delete(instance.route.id);
    const aboard = instance.characters.splice(0);
    for (const entry of aboard) {
      if (tenant.riders.get(entry.characterId) === instanceId) tenant.riders.delete(entry.characterId);
    }
    return aboard;
  }

  /** Instances of a tenant's route in creation order. */
  ofRoute(tenantId: string, routeId: string): TransportInstance[] {
    return [...(this.tenants.get(tenantId)?.byRoute.get(routeId) ?? [])];
  }

  all(): TransportInstance[] {
    return [...this.tenants.values()].flatMap((tenant) => [...tenant.instances.values()]);
  }

  count(): number {
    let total = 0;
    for (const tenant of this.tenants.values()) total += tenant.instances.size;
    return total;
  }

  private tenant(tenantId: string): TenantInstances {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) {
      tenant = { instances: new Map(), byRoute: new Map(), riders: new Map(), lastRoute: new Map() };
      this.tenants.set(tenantId, tenant);
    }
    return tenant;
  }
}
