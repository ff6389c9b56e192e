import type { Database, Queryable } from '../../platform/db/database.js';
import type { Tenant } from '../../platform/tenant.js';
import type { InstanceRoute } from '../core/model.js';

// The tables (and why they are shaped so) are in rides-schema.ts.

export interface CharacterEntry {
  readonly characterId: number;
  readonly worldId: number;
  readonly channelId: number;
}

export type InstanceState = 'boarding' | 'in_transit';

/** One ride of an instance route: an instanced copy of its transit map. */
export interface Ride {
  readonly id: string;
  readonly tenant: Tenant;
  readonly route: InstanceRoute;
  readonly boardingUntil: number;
  readonly arrivalAt: number;
  readonly createdAt: number;
}

/** A ride as REST shows it (instance-status). */
export interface RideStatus {
  readonly id: string;
  readonly routeId: string;
  readonly state: InstanceState;
  readonly characters: number;
  readonly boardingUntil: number;
  readonly arrivalAt: number;
  readonly createdAt: number;
}

/** Boarding closes at `boardingUntil` exactly: a state derived from the clock, so no write is needed for it. */
export function rideState(boardingUntil: number, now: number): InstanceState {
  return now < boardingUntil ? 'boarding' : 'in_transit';
}

/** The reference's safety net: a ride still going after twice its planned length sends its riders home. */
export function stuckAt(ride: Pick<Ride, 'route' | 'createdAt'>): number {
  return ride.createdAt + 2 * (ride.route.boardingWindowMs + ride.route.travelMs);
}

export type BoardResult =
  | { readonly ok: true; readonly ride: Ride; readonly created: boolean }
  | { readonly ok: false; readonly reason: 'already-riding' };

interface RideRow {
  id: string;
  tenant_id: string;
  region: string;
  major_version: number;
  minor_version: number;
  route: InstanceRoute;
  boarding_until: number;
  arrival_at: number;
  created_at: number;
}

const RIDE_COLUMNS = `r.instance_id AS id, r.tenant_id, r.region, r.major_version, r.minor_version, r.route,
  r.boarding_until, r.arrival_at, r.created_at`;

function rideOf(row: RideRow): Ride {
  return {
    id: row.id,
    tenant: {
      id: row.tenant_id,
      region: row.region,
      majorVersion: row.major_version,
      minorVersion: row.minor_version,
    },
    route: row.route,
    boardingUntil: row.boarding_until,
    arrivalAt: row.arrival_at,
    createdAt: row.created_at,
  };
}

interface EntryRow {
  character_id: number;
  world_id: number;
  channel_id: number;
}

function entryOf(row: EntryRow): CharacterEntry {
  return { characterId: row.character_id, worldId: row.world_id, channelId: row.channel_id };
}

/**
 * The SQL of rides. Methods taking a client run in the caller's transaction, beside the outbox rows of the
 * messages they cause, so a ride's change and its announcement commit or roll back together.
 */
export class RideStore {
  constructor(private readonly db: Database) {}

  /**
   * Find-or-create and board in one transaction (decisions C7): under a lock per (tenant, route), the oldest
   * ride with room whose boarding is still open at `now`, else a new one. Every replica boards under the
   * same lock, so no concurrency can put more than `capacity` characters in one ride; the riders' primary
   * key refuses a character already aboard any ride. A ride of capacity 1 is full from its creation, so there
   * is nothing to find and no lock to take (every bundled instance route: the fast path).
   */
  async board(
    client: Queryable,
    tenant: Tenant,
    route: InstanceRoute,
    entry: CharacterEntry,
    now: number,
    newId: () => string,
  ): Promise<BoardResult> {
    const open = route.capacity > 1 ? await this.findOpen(client, tenant, route, now) : undefined;
    if (open) {
      const { rowCount } = await client.query({
        name: 'rides-board',
        text: `WITH rider AS (
                 INSERT INTO transport_riders (tenant_id, character_id, instance_id, world_id, channel_id)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING character_id)
               INSERT INTO transport_last_routes (tenant_id, character_id, route_id)
               SELECT $1, character_id, $6 FROM rider
               ON CONFLICT (tenant_id, character_id) DO UPDATE SET route_id = EXCLUDED.route_id`,
        values: [tenant.id, entry.characterId, open.id, entry.worldId, entry.channelId, route.id],
      });
      return rowCount === 1
        ? { ok: true, ride: open, created: false }
        : { ok: false, reason: 'already-riding' };
    }
    const boardingUntil = now + route.boardingWindowMs;
    const ride: Ride = {
      id: newId(),
      tenant: {
        id: tenant.id,
        region: tenant.region,
        majorVersion: tenant.majorVersion,
        minorVersion: tenant.minorVersion,
      },
      route,
      boardingUntil,
      arrivalAt: boardingUntil + route.travelMs,
      createdAt: now,
    };
    // One statement: the ride, its first rider and the rider's last route (the riders' foreign key is
    // checked at the end of the statement, once the ride is in).
    const { rowCount } = await client.query({
      name: 'rides-create-board',
      text: `WITH ride AS (
               INSERT INTO transport_rides (instance_id, tenant_id, region, major_version, minor_version, route_id,
                 route, capacity, boarding_until, arrival_at, created_at, due_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) RETURNING instance_id),
             rider AS (
               INSERT INTO transport_riders (tenant_id, character_id, instance_id, world_id, channel_id)
               SELECT $2, $12, instance_id, $13, $14 FROM ride ON CONFLICT DO NOTHING RETURNING character_id)
             INSERT INTO transport_last_routes (tenant_id, character_id, route_id)
             SELECT $2, character_id, $6 FROM rider
             ON CONFLICT (tenant_id, character_id) DO UPDATE SET route_id = EXCLUDED.route_id`,
      values: [
        ride.id,
        tenant.id,
        tenant.region,
        tenant.majorVersion,
        tenant.minorVersion,
        route.id,
        JSON.stringify(route),
        route.capacity,
        ride.boardingUntil,
        ride.arrivalAt,
        now,
        entry.characterId,
        entry.worldId,
        entry.channelId,
      ],
    });
    if (rowCount === 1) return { ok: true, ride, created: true };
    // Aboard another ride already: the ride opened for this character goes again, whatever the caller does next.
    await client.query({
      name: 'rides-drop',
      text: 'DELETE FROM transport_rides WHERE instance_id = $1',
      values: [ride.id],
    });
    return { ok: false, reason: 'already-riding' };
  }

  /** The oldest ride of the route with room and boarding open, under the route's lock (held to the commit). */
  private async findOpen(
    client: Queryable,
    tenant: Tenant,
    route: InstanceRoute,
    now: number,
  ): Promise<Ride | undefined> {
    // Its own statement, before the read: the read's snapshot then sees every rider the lock's last holder added.
    await client.query({
      name: 'rides-route-lock',
      text: 'SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))',
      values: [tenant.id, route.id],
    });
    // FOR SHARE waits for a cancel or an ending holding the ride, and skips it once it is gone.
    const { rows } = await client.query<RideRow>({
      name: 'rides-open',
      text: `SELECT ${RIDE_COLUMNS} FROM transport_rides r
             WHERE r.tenant_id = $1 AND r.route_id = $2 AND r.boarding_until > $3
               AND (SELECT count(*) FROM transport_riders c WHERE c.instance_id = r.instance_id) < r.capacity
             ORDER BY r.seq LIMIT 1 FOR SHARE OF r`,
      values: [tenant.id, route.id, now],
    });
    return rows[0] ? rideOf(rows[0]) : undefined;
  }

  /** The ride a character is aboard, read without a lock (a decision taken on it is re-checked in a transaction). */
  async rideOf(tenantId: string, characterId: number): Promise<Ride | undefined> {
    const { rows } = await this.db.query<RideRow>({
      name: 'rides-of-rider',
      text: `SELECT ${RIDE_COLUMNS} FROM transport_riders c JOIN transport_rides r USING (instance_id)
             WHERE c.tenant_id = $1 AND c.character_id = $2`,
      values: [tenantId, characterId],
    });
    return rows[0] ? rideOf(rows[0]) : undefined;
  }

  /**
   * Takes one character off its ride, the ride locked first so that an ending of the ride either went
   * before (the rider is gone: undefined) or waits for this. The DELETE decides: of two replicas cancelling
   * one rider, one gets the row. An emptied ride goes too (`emptied`).
   */
  async leave(
    client: Queryable,
    tenantId: string,
    characterId: number,
  ): Promise<{ ride: Ride; entry: CharacterEntry; emptied: boolean } | undefined> {
    const { rows } = await client.query<RideRow>({
      name: 'rides-lock-of-rider',
      text: `SELECT ${RIDE_COLUMNS} FROM transport_riders c JOIN transport_rides r USING (instance_id)
             WHERE c.tenant_id = $1 AND c.character_id = $2 FOR UPDATE OF r`,
      values: [tenantId, characterId],
    });
    if (!rows[0]) return undefined;
    const ride = rideOf(rows[0]);
    const left = await client.query<EntryRow>({
      name: 'rides-leave',
      text: `DELETE FROM transport_riders WHERE tenant_id = $1 AND character_id = $2 AND instance_id = $3
             RETURNING character_id, world_id, channel_id`,
      values: [tenantId, characterId, ride.id],
    });
    if (!left.rows[0]) return undefined;
    const emptied = await client.query({
      name: 'rides-drop-empty',
      text: `DELETE FROM transport_rides WHERE instance_id = $1
             AND NOT EXISTS (SELECT 1 FROM transport_riders WHERE instance_id = $1)`,
      values: [ride.id],
    });
    return { ride, entry: entryOf(left.rows[0]), emptied: emptied.rowCount === 1 };
  }

  /**
   * Locks a ride whose time has come (its `due_at` at or before `now`) and hands out who is aboard, in
   * boarding order. The lock waits: of two replicas ending one ride, the second finds it gone.
   */
  async lockDue(
    client: Queryable,
    instanceId: string,
    now: number,
  ): Promise<{ ride: Ride; aboard: CharacterEntry[] } | undefined> {
    const { rows } = await client.query<RideRow>({
      name: 'rides-lock-due',
      text: `SELECT ${RIDE_COLUMNS} FROM transport_rides r WHERE r.instance_id = $1 AND r.due_at <= $2 FOR UPDATE`,
      values: [instanceId, now],
    });
    if (!rows[0]) return undefined;
    const aboard = await client.query<EntryRow>({
      name: 'rides-aboard',
      text: `SELECT character_id, world_id, channel_id FROM transport_riders WHERE instance_id = $1 ORDER BY seq`,
      values: [instanceId],
    });
    return { ride: rideOf(rows[0]), aboard: aboard.rows.map(entryOf) };
  }

  /** Removes an ended ride and its riders, and forgets their last route: nothing to recover at login. */
  async end(client: Queryable, ride: Ride, aboard: readonly CharacterEntry[]): Promise<void> {
    await client.query({
      name: 'rides-end',
      text: `WITH gone AS (DELETE FROM transport_rides WHERE instance_id = $1)
             DELETE FROM transport_last_routes WHERE tenant_id = $2 AND character_id = ANY($3::bigint[])`,
      values: [ride.id, ride.tenant.id, aboard.map((entry) => entry.characterId)],
    });
  }

  async forgetLastRoute(client: Queryable, tenantId: string, characterId: number): Promise<void> {
    await client.query({
      name: 'rides-forget-last',
      text: 'DELETE FROM transport_last_routes WHERE tenant_id = $1 AND character_id = $2',
      values: [tenantId, characterId],
    });
  }

  /** The route a character last rode (and forgets it: one recovery per ride). */
  async takeLastRoute(client: Queryable, tenantId: string, characterId: number): Promise<string | undefined> {
    const { rows } = await client.query<{ route_id: string }>({
      name: 'rides-take-last',
      text: 'DELETE FROM transport_last_routes WHERE tenant_id = $1 AND character_id = $2 RETURNING route_id',
      values: [tenantId, characterId],
    });
    return rows[0]?.route_id;
  }

  /** Rides due at or before `until`, soonest first: what a sweep arms timers for. */
  async due(until: number, limit: number): Promise<Array<{ id: string; dueAt: number }>> {
    const { rows } = await this.db.query<{ id: string; dueAt: number }>({
      name: 'rides-due',
      text: `SELECT instance_id AS id, due_at AS "dueAt" FROM transport_rides WHERE due_at <= $1
             ORDER BY due_at LIMIT $2`,
      values: [until, limit],
    });
    return rows;
  }

  /** A tenant's rides of one route, in creation order. */
  async ofRoute(tenantId: string, routeId: string, now: number): Promise<RideStatus[]> {
    const { rows } = await this.db.query<{
      id: string;
      boarding_until: number;
      arrival_at: number;
      created_at: number;
      characters: number;
    }>({
      name: 'rides-of-route',
      text: `SELECT r.instance_id AS id, r.boarding_until, r.arrival_at, r.created_at,
               (SELECT count(*) FROM transport_riders c WHERE c.instance_id = r.instance_id)::integer AS characters
             FROM transport_rides r WHERE r.tenant_id = $1 AND r.route_id = $2 ORDER BY r.seq`,
      values: [tenantId, routeId],
    });
    return rows.map((row) => ({
      id: row.id,
      routeId,
      state: rideState(row.boarding_until, now),
      characters: row.characters,
      boardingUntil: row.boarding_until,
      arrivalAt: row.arrival_at,
      createdAt: row.created_at,
    }));
  }

  /**
   * Riders aboard rides whose arrival is before `before` (every tenant), and the earliest such arrival: a ride
   * ends at its arrival, so any here were not delivered (a replica gone, PostgreSQL away, a warp failing). One
   * range of the arrival index; the rides past it are few when all is well.
   */
  async overdue(before: number): Promise<{ riders: number; oldestArrival: number | null }> {
    const { rows } = await this.db.query<{ riders: number; oldest: string | null }>({
      name: 'rides-overdue',
      text: `SELECT count(c.character_id)::integer AS riders, min(r.arrival_at) AS oldest
             FROM transport_rides r JOIN transport_riders c ON c.instance_id = r.instance_id
             WHERE r.arrival_at < $1`,
      values: [before],
    });
    const row = rows[0];
    return { riders: row?.riders ?? 0, oldestArrival: row?.oldest == null ? null : Number(row.oldest) };
  }

  /** Rides going on, every tenant. */
  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM transport_rides');
    return rows[0]?.n ?? 0;
  }
}
