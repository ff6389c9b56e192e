import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Clock, TimerHandle } from '../../platform/clock.js';
import type { Delivery } from '../../platform/db/inbox.js';
import type { Logger } from '../../platform/logging.js';
import { NIL_UUID, type Tenant } from '../../platform/tenant.js';
import type { Headers } from '../../platform/wire/headers.js';
import type { InstanceRoute } from '../core/model.js';
import type { TransportMetrics } from '../metrics.js';
import type { CancelReason, ConsumableEffectType, TransportMessages } from '../producer.js';
import type { TenantRegistry } from '../tenants/loaded-tenant.js';
import type { CharacterEntry, InstanceRegistry, TransportInstance } from './registry.js';

export interface InstanceDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: TransportMetrics;
  readonly messages: TransportMessages;
  /** Durable send (the outbox); `delivery` is the consumed message that caused it, recorded with it. */
  readonly publish: (messages: readonly OutgoingMessage[], delivery?: Delivery) => Promise<void>;
  readonly track: (work: Promise<unknown>) => void;
  readonly tenants: TenantRegistry;
  readonly registry: InstanceRegistry;
  readonly newId?: () => string;
}

export class StartError extends Error {
  constructor(
    readonly reason: 'unknown-route' | 'already-riding',
    detail: string,
  ) {
    super(detail);
  }
}

/** Where a character stands when an event about it arrives (map enter, login, logout). */
export interface CharacterAt {
  readonly characterId: number;
  readonly worldId: number;
  readonly channelId: number;
  readonly mapId: number;
}

/**
 * Instance transports (transports.md §4): a START boards a ride, three timers on the injected clock end it
 * (boarding closes at `boardingUntil`, arrival exactly at `arrivalAt`, and a stuck timeout of
 * 2 × (boarding + travel) as a safety net should arrival messages fail to go out), and character and map
 * events cancel it or report the remaining time. Warps from here always land on portal 0, as the reference's.
 * `cause` (the request's or consumed message's headers) passes its W3C trace context on to the messages an
 * operation sends; the timers' messages carry none, as the reference's.
 */
export class InstanceTransports {
  private readonly timers = new Map<TransportInstance, TimerHandle[]>();
  private readonly newId: () => string;

  constructor(private readonly deps: InstanceDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  /** Boards the character (one synchronous step, decisions C7) and sends CHANGE_MAP + STARTED. */
  async start(
    tenant: Tenant,
    routeId: string,
    rider: CharacterEntry,
    cause?: Headers,
    delivery?: Delivery,
  ): Promise<TransportInstance> {
    const route = this.deps.tenants.get(tenant.id)?.instanceRoutesById.get(routeId);
    if (!route) throw new StartError('unknown-route', `instance route ${routeId} not found`);
    const result = this.deps.registry.board(tenant, route, rider, this.deps.clock.now(), this.newId);
    if (!result.ok)
      throw new StartError('already-riding', `character ${rider.characterId} already in transport`);
    const { instance } = result;
    if (result.created) this.arm(instance);
    const { messages } = this.deps;
    await this.send(
      [
        // Before the warp, as HEAD buffers them (the morph is on when the transit map loads).
        ...this.effects(tenant, route, rider, 'APPLY_CONSUMABLE_EFFECT', cause),
        messages.changeMap(
          tenant,
          { ...rider, mapId: route.transitMapIds[0]!, instance: instance.id, portalId: 0 },
          cause,
        ),
        messages.started(tenant, rider, route.id, instance.id, cause),
      ],
      'STARTED',
      delivery,
    );
    return instance;
  }

  /** CHARACTER_ENTER: the remaining time on the route's own transit maps, a cancel anywhere else. */
  async mapEntered(tenant: Tenant, at: CharacterAt, cause?: Headers, delivery?: Delivery): Promise<void> {
    const instance = this.deps.registry.instanceOf(tenant.id, at.characterId);
    if (!instance || instance.ending) return;
    const { route } = instance;
    if (route.transitMapIds.includes(at.mapId)) {
      const remaining = Math.max(0, Math.floor((instance.arrivalAt - this.deps.clock.now()) / 1000));
      await this.send(
        [
          this.deps.messages.transitEntered(
            tenant,
            at,
            {
              routeId: route.id,
              instanceId: instance.id,
              channelId: at.channelId,
              durationSeconds: remaining,
              message: route.transitMessage,
            },
            cause,
          ),
        ],
        'TRANSIT_ENTERED',
        delivery,
      );
      return;
    }
    if (this.deps.tenants.get(tenant.id)?.instanceRoutesByTransitMap.has(at.mapId)) {
      // Another route's transit map: the reference neither cancels nor reports; keep the ride.
      this.deps.logger.warn(
        { tenantId: tenant.id, ...at, routeId: route.id },
        "entered another route's transit map",
      );
      return;
    }
    this.deps.registry.forgetLastRoute(tenant.id, at.characterId);
    await this.cancel(tenant, at, 'MAP_EXIT', cause, delivery);
  }

  /** LOGOUT while riding: CANCELLED (no warp: the login recovery brings the character back). */
  async loggedOut(tenant: Tenant, at: CharacterAt, cause?: Headers, delivery?: Delivery): Promise<void> {
    const instance = this.deps.registry.instanceOf(tenant.id, at.characterId);
    if (!instance || instance.ending) return;
    await this.cancel(tenant, at, 'LOGOUT', cause, delivery);
  }

  /**
   * LOGIN on a transit map with no ride going on (a crash, a logout mid-ride): back to the start map of
   * the route the character was riding, else of the first route by name that uses the map (C13).
   */
  async loggedIn(tenant: Tenant, at: CharacterAt, cause?: Headers, delivery?: Delivery): Promise<void> {
    const { registry } = this.deps;
    if (registry.instanceOf(tenant.id, at.characterId)) return;
    const routes = this.deps.tenants.get(tenant.id)?.instanceRoutesByTransitMap.get(at.mapId);
    if (!routes || routes.length === 0) return;
    const last = registry.lastRouteOf(tenant.id, at.characterId);
    const route = routes.find((r) => r.id === last) ?? routes[0]!;
    registry.forgetLastRoute(tenant.id, at.characterId);
    await this.send(
      [
        this.deps.messages.changeMap(
          tenant,
          { ...at, mapId: route.startMapId, instance: NIL_UUID, portalId: 0 },
          cause,
        ),
      ],
      undefined,
      delivery,
    );
  }

  /**
   * Graceful shutdown: every passenger goes back to its start map (no events, as the reference). A ride whose
   * arrival (or stuck return) is being sent is left to it: a second warp would land its passengers back home.
   */
  async shutdown(): Promise<void> {
    const outgoing: OutgoingMessage[] = [];
    for (const instance of this.deps.registry.all()) {
      if (instance.ending) continue;
      for (const entry of this.end(instance)) {
        outgoing.push(...this.effects(instance.tenant, instance.route, entry, 'CANCEL_CONSUMABLE_EFFECT'));
        outgoing.push(this.warp(instance, entry, instance.route.startMapId));
      }
    }
    await this.send(outgoing);
  }

  /** Rides still going (their timers keep the application from being idle only when due). */
  active(): number {
    return this.deps.registry.count();
  }

  private arm(instance: TransportInstance): void {
    const { clock } = this.deps;
    const { route } = instance;
    const maxLifetime = 2 * (route.boardingWindowMs + route.travelMs);
    this.timers.set(instance, [
      clock.at(instance.boardingUntil, () => {
        if (instance.state === 'boarding') instance.state = 'in_transit';
      }),
      clock.at(instance.arrivalAt, () => this.finish(instance, 'arrival')),
      clock.at(instance.createdAt + maxLifetime, () => this.finish(instance, 'stuck')),
    ]);
  }

  /**
   * The travel timer or the stuck timeout ends a ride: effects cancelled, then the warp, then the event, per
   * rider, as HEAD. A route with a forced return (HEAD #1190) treats its travel timer running out as a
   * failure, not a delivery: its transit maps have a time limit, and the rider who did not find the way out
   * goes to the forced-return map with CANCELLED/TIMEOUT.
   */
  private finish(instance: TransportInstance, how: 'arrival' | 'stuck'): void {
    if (this.deps.registry.get(instance.tenant.id, instance.id) !== instance) return;
    const { messages } = this.deps;
    const { route, tenant } = instance;
    const timeout = how === 'arrival' && route.forcedReturnMapId !== 0;
    const outgoing: OutgoingMessage[] = [];
    for (const entry of instance.characters) {
      outgoing.push(...this.effects(tenant, route, entry, 'CANCEL_CONSUMABLE_EFFECT'));
      if (how === 'stuck') {
        outgoing.push(this.warp(instance, entry, route.startMapId));
        outgoing.push(messages.cancelled(tenant, entry, route.id, instance.id, 'STUCK'));
      } else if (timeout) {
        outgoing.push(this.warp(instance, entry, route.forcedReturnMapId));
        outgoing.push(messages.cancelled(tenant, entry, route.id, instance.id, 'TIMEOUT'));
      } else {
        outgoing.push(this.warp(instance, entry, route.destinationMapId));
        outgoing.push(messages.completed(tenant, entry, route.id, instance.id));
      }
    }
    instance.ending = true;
    const work = this.deps.publish(outgoing).then(
      () => {
        const aboard = this.end(instance);
        for (const entry of aboard) this.deps.registry.forgetLastRoute(tenant.id, entry.characterId);
        this.count(how === 'arrival' && !timeout ? 'COMPLETED' : 'CANCELLED', aboard.length);
      },
      (error) => {
        // Kept aboard: the stuck timeout (still armed after a failed arrival) sends them home.
        instance.ending = false;
        this.deps.logger.error(
          { tenantId: tenant.id, instanceId: instance.id, how, err: error },
          'ride could not end',
        );
      },
    );
    this.deps.track(work);
  }

  private async cancel(
    tenant: Tenant,
    at: CharacterAt,
    reason: CancelReason,
    cause?: Headers,
    delivery?: Delivery,
  ): Promise<void> {
    const left = this.deps.registry.leave(tenant.id, at.characterId);
    if (!left) return;
    const { instance } = left;
    if (instance.characters.length === 0) this.end(instance);
    await this.send(
      [
        ...this.effects(tenant, instance.route, at, 'CANCEL_CONSUMABLE_EFFECT', cause),
        this.deps.messages.cancelled(tenant, at, instance.route.id, instance.id, reason, cause),
      ],
      'CANCELLED',
      delivery,
    );
  }

  /**
   * One command per effect item of the route the ride was started on (the ride keeps its route, so a reload
   * that drops an item still cancels what was applied). A character leaves a ride once (the registry's
   * `leave` and `release` hand each rider out a single time), so each cancel goes exactly once.
   */
  private effects(
    tenant: Tenant,
    route: InstanceRoute,
    rider: CharacterEntry,
    type: ConsumableEffectType,
    cause?: Headers,
  ): OutgoingMessage[] {
    return route.effectItemIds.map((itemId) =>
      this.deps.messages.consumableEffect(tenant, type, rider, itemId, cause),
    );
  }

  /** Removes the instance and its timers; returns who was still aboard. */
  private end(instance: TransportInstance): CharacterEntry[] {
    for (const timer of this.timers.get(instance) ?? []) timer.cancel();
    this.timers.delete(instance);
    return this.deps.registry.release(instance.tenant.id, instance.id);
  }

  private warp(instance: TransportInstance, entry: CharacterEntry, mapId: number): OutgoingMessage {
    return this.deps.messages.changeMap(instance.tenant, {
      ...entry,
      mapId,
      instance: NIL_UUID,
      portalId: 0,
    });
  }

  private async send(
    outgoing: readonly OutgoingMessage[],
    event?: string,
    delivery?: Delivery,
  ): Promise<void> {
    if (outgoing.length === 0) return;
    await this.deps.publish(outgoing, delivery);
    if (event) this.count(event);
  }

  private count(type: string, times = 1): void {
    if (times > 0) this.deps.metrics.instanceEvents.inc({ type }, times);
  }
}
