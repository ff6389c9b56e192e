import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Clock } from '../../platform/clock.js';
import type { Database, Queryable } from '../../platform/db/database.js';
import { type Delivery, recordDelivery } from '../../platform/db/inbox.js';
import type { Logger } from '../../platform/logging.js';
import type { OutboxWriter } from '../../platform/service.js';
import { NIL_UUID, type Tenant } from '../../platform/tenant.js';
import type { Headers } from '../../platform/wire/headers.js';
import { recordBoarded, recordEnded, recordScheduledLogout } from '../manifests/manifests.js';
import type { TransportMetrics } from '../metrics.js';
import type { CancelReason, TransportMessages } from '../producer.js';
import type { TenantRegistry } from '../tenants/loaded-tenant.js';
import { effectsOf, RideEndings } from './endings.js';
import type { CharacterEntry, Ride, RideStore } from './rides.js';

export interface InstanceDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: TransportMetrics;
  readonly messages: TransportMessages;
  readonly db: Database;
  /**
   * The outbox: `write` inside a ride's transaction, `send` (group-committed) for messages that change no
   * ride; `delivery` is the consumed message that caused them, recorded with them.
   */
  readonly outbox: OutboxWriter;
  readonly rides: RideStore;
  readonly track: (work: Promise<unknown>) => void;
  readonly tenants: TenantRegistry;
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
 * Instance transports (transports.md §4): a START boards a ride, its arrival ends it (RideEndings: exactly at
 * `arrivalAt`, or sending the riders home once past the stuck timeout of 2 × (boarding + travel)), and
 * character and map events cancel it or report the remaining time. Rides are rows (rides.ts), so any replica
 * can take any of these steps; each step that changes a ride commits the change, its messages and the inbox
 * record of the message that caused it in one transaction. Warps from here always land on portal 0, as the
 * reference's. `cause` (the request's or consumed message's headers) passes its W3C trace context on to the
 * messages an operation sends; the endings' messages carry none, as the reference's.
 */
export class InstanceTransports {
  private readonly newId: () => string;
  readonly endings: RideEndings;

  constructor(private readonly deps: InstanceDeps) {
    this.newId = deps.newId ?? randomUUID;
    this.endings = new RideEndings(deps);
  }

  /** Boards the character (one transaction, decisions C7) and sends the effects, CHANGE_MAP and STARTED. */
  async start(
    tenant: Tenant,
    routeId: string,
    rider: CharacterEntry,
    cause?: Headers,
    delivery?: Delivery,
  ): Promise<Ride> {
    const route = this.deps.tenants.get(tenant.id)?.instanceRoutesById.get(routeId);
    if (!route) throw new StartError('unknown-route', `instance route ${routeId} not found`);
    const now = this.deps.clock.now();
    const { messages } = this.deps;
    const result = await this.transact(delivery, async (client) => {
      const boarded = await this.deps.rides.board(client, tenant, route, rider, now, this.newId);
      if (!boarded.ok)
        throw new StartError('already-riding', `character ${rider.characterId} already in transport`);
      await recordBoarded(
        client,
        {
          kind: 'instance',
          tenantId: tenant.id,
          routeId: route.id,
          routeName: route.name,
          tripId: boarded.ride.id,
          boardedAt: now,
          departedAt: boarded.ride.boardingUntil,
        },
        [rider.characterId],
      );
      const outgoing = [
        // Before the warp, as HEAD buffers them (the morph is on when the transit map loads).
        ...effectsOf(messages, tenant, route, rider, 'APPLY_CONSUMABLE_EFFECT', cause),
        messages.changeMap(
          tenant,
          { ...rider, mapId: route.transitMapIds[0]!, instance: boarded.ride.id, portalId: 0 },
          cause,
        ),
        messages.started(tenant, rider, route.id, boarded.ride.id, cause),
      ];
      return { value: boarded, outgoing };
    });
    // Exact on time on the replica that created it; the others' sweeps are the safety net.
    if (result.created) this.endings.arm(result.ride.id, result.ride.arrivalAt);
    this.count('STARTED');
    return result.ride;
  }

  /** CHARACTER_ENTER: the remaining time on the route's own transit maps, a cancel anywhere else. */
  async mapEntered(tenant: Tenant, at: CharacterAt, cause?: Headers, delivery?: Delivery): Promise<void> {
    const ride = await this.deps.rides.rideOf(tenant.id, at.characterId);
    const now = this.deps.clock.now();
    // A ride past its arrival is being ended (here or on another replica): it neither counts down nor cancels.
    if (!ride || now >= ride.arrivalAt) return;
    const { route } = ride;
    if (route.transitMapIds.includes(at.mapId)) {
      const remaining = Math.max(0, Math.floor((ride.arrivalAt - now) / 1000));
      const entered = this.deps.messages.transitEntered(
        tenant,
        at,
        {
          routeId: route.id,
          instanceId: ride.id,
          channelId: at.channelId,
          durationSeconds: remaining,
          message: route.transitMessage,
        },
        cause,
      );
      // No ride changes: the group-committed send is enough.
      await this.deps.outbox.send([entered], delivery);
      this.count('TRANSIT_ENTERED');
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
    await this.cancel(tenant, at, 'MAP_EXIT', [], cause, delivery);
  }

  /**
   * LOGOUT: CANCELLED when riding (no warp: the login recovery brings the character back). `alongside` (the
   * scheduled routes' warp off a dock or ship) commits in the same transaction, with the LOGOUT's inbox row,
   * so a crash can never leave the ride cancelled and the warp unsent, or the reverse.
   */
  async loggedOut(
    tenant: Tenant,
    at: CharacterAt,
    cause?: Headers,
    delivery?: Delivery,
    alongside: readonly OutgoingMessage[] = [],
  ): Promise<void> {
    // Most logouts are of characters not riding: they take the cheap group-committed send.
    if (!(await this.deps.rides.rideOf(tenant.id, at.characterId))) {
      if (alongside.length === 0) {
        await this.deps.outbox.send(alongside, delivery);
        return;
      }
      // Warped off a scheduled route's dock or ship: its manifest says so, in the warp's transaction.
      await this.transact(delivery, async (client) => {
        await recordScheduledLogout(client, tenant.id, at.characterId, this.deps.clock.now());
        return { value: undefined, outgoing: alongside };
      });
      return;
    }
    await this.cancel(tenant, at, 'LOGOUT', alongside, cause, delivery);
  }

  /**
   * LOGIN on a transit map with no ride going on (a crash, a logout mid-ride): back to the start map of
   * the route the character was riding, else of the first route by name that uses the map (C13).
   */
  async loggedIn(tenant: Tenant, at: CharacterAt, cause?: Headers, delivery?: Delivery): Promise<void> {
    const routes = this.deps.tenants.get(tenant.id)?.instanceRoutesByTransitMap.get(at.mapId);
    if (!routes || routes.length === 0) return;
    if (await this.deps.rides.rideOf(tenant.id, at.characterId)) return;
    await this.transact(delivery, async (client) => {
      const last = await this.deps.rides.takeLastRoute(client, tenant.id, at.characterId);
      const route = routes.find((r) => r.id === last) ?? routes[0]!;
      const warp = { ...at, mapId: route.startMapId, instance: NIL_UUID, portalId: 0 };
      return { value: undefined, outgoing: [this.deps.messages.changeMap(tenant, warp, cause)] };
    });
  }

  /** Ride arrivals, sweeps and cancellations that arrive from now on are handled (the service's start-up). */
  async begin(sweepEveryMs?: number): Promise<void> {
    await this.endings.adopt();
    this.endings.startSweeping(sweepEveryMs);
  }

  /**
   * Shutdown: this replica's timers stop and every ride stays as it is. Rides outlive a replica now: another
   * replica ends them on time, or this service's next start does (arrival if due, home if past the stuck
   * timeout). Sending passengers home here, as the reference did, would cut the rides of a fleet short
   * whenever one replica is replaced.
   */
  stop(): void {
    this.endings.stop();
  }

  /** Rides going on, across the fleet. */
  active(): Promise<number> {
    return this.deps.rides.count();
  }

  private async cancel(
    tenant: Tenant,
    at: CharacterAt,
    reason: CancelReason,
    alongside: readonly OutgoingMessage[],
    cause?: Headers,
    delivery?: Delivery,
  ): Promise<void> {
    const { messages, rides } = this.deps;
    const left = await this.transact(delivery, async (client) => {
      const left = await rides.leave(client, tenant.id, at.characterId);
      // A map exit ends the story of the ride; a logout keeps it for the login recovery.
      if (reason === 'MAP_EXIT') await rides.forgetLastRoute(client, tenant.id, at.characterId);
      // A logout warped off a scheduled route's ship (the warp alongside) ends the character's voyage too.
      if (reason === 'LOGOUT' && alongside.length > 0)
        await recordScheduledLogout(client, tenant.id, at.characterId, this.deps.clock.now());
      if (!left) return { value: undefined, outgoing: [...alongside] };
      const { route } = left.ride;
      await recordEnded(client, tenant.id, left.ride.id, this.deps.clock.now(), {
        characterIds: [at.characterId],
        outcome: 'cancelled',
        reason: reason.toLowerCase().replace('_', '-'),
      });
      return {
        value: left,
        outgoing: [
          ...effectsOf(messages, tenant, route, at, 'CANCEL_CONSUMABLE_EFFECT', cause),
          messages.cancelled(tenant, at, route.id, left.ride.id, reason, cause),
          ...alongside,
        ],
      };
    });
    if (!left) return;
    if (left.emptied) this.endings.disarm(left.ride.id);
    this.count('CANCELLED');
  }

  /**
   * One step that changes rides: `work` in a transaction with the inbox record of `delivery` (first, so a
   * message consumed twice fails before doing anything) and the outbox rows of the messages it returns.
   */
  private async transact<T>(
    delivery: Delivery | undefined,
    work: (client: Queryable) => Promise<{ value: T; outgoing: readonly OutgoingMessage[] }>,
  ): Promise<T> {
    const { db, outbox } = this.deps;
    const { value, outgoing } = await db.transaction(async (client) => {
      await recordDelivery(client, delivery);
      const done = await work(client);
      await outbox.write(client, done.outgoing);
      return done;
    });
    if (delivery) delivery.claimed = true;
    if (outgoing.length > 0) outbox.committed();
    return value;
  }

  private count(type: string, times = 1): void {
    if (times > 0) this.deps.metrics.instanceEvents.inc({ type }, times);
  }
}
