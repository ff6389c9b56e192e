import type { Migration } from '../../platform/db/database.js';

/**
 * Rides live in PostgreSQL so that every replica sees the same ones (decisions E5): a START on one replica,
 * the rider's map exit on another and the arrival on a third act on one ride, and a ride outlives the replica
 * that created it. Times are the injected clock's epoch milliseconds, not the database's.
 *
 * - `transport_rides`: the tenant as the START named it (its headers go on every later message of the ride)
 *   and the route as it was at creation (a reload that changes or removes the route never orphans the ride:
 *   the reference's route-id lookup at arrival lost such passengers). `due_at` is when it must end: its
 *   arrival, or, for a ride not ended by then, its stuck timeout.
 * - `transport_riders`: one row per character aboard; the primary key per tenant (decisions C6) makes
 *   "already riding" atomic across replicas. `seq` keeps the boarding order, which is the order of the warps.
 * - `transport_last_routes`: the route each character last rode, for login recovery (decisions C13).
 */
export const RIDES_MIGRATION: Migration = {
  id: 'transports/002-rides',
  sql: `CREATE TABLE transport_rides (
    instance_id uuid PRIMARY KEY,
    seq bigserial NOT NULL,
    tenant_id uuid NOT NULL,
    region text NOT NULL,
    major_version integer NOT NULL,
    minor_version integer NOT NULL,
    route_id uuid NOT NULL,
    route jsonb NOT NULL,
    capacity integer NOT NULL,
    boarding_until bigint NOT NULL,
    arrival_at bigint NOT NULL,
    created_at bigint NOT NULL,
    due_at bigint NOT NULL
  );
  CREATE INDEX transport_rides_route ON transport_rides (tenant_id, route_id, seq);
  CREATE INDEX transport_rides_due ON transport_rides (due_at);
  CREATE TABLE transport_riders (
    tenant_id uuid NOT NULL,
    character_id bigint NOT NULL,
    instance_id uuid NOT NULL REFERENCES transport_rides ON DELETE CASCADE,
    world_id smallint NOT NULL,
    channel_id smallint NOT NULL,
    seq bigserial NOT NULL,
    PRIMARY KEY (tenant_id, character_id)
  );
  CREATE INDEX transport_riders_ride ON transport_riders (instance_id, seq);
  CREATE TABLE transport_last_routes (
    tenant_id uuid NOT NULL,
    character_id bigint NOT NULL,
    route_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, character_id)
  )`,
};

/** Riders past their arrival are found by arrival time (the overdue gauge), not by `due_at`. */
export const RIDES_ARRIVAL_MIGRATION: Migration = {
  id: 'transports/004-rides-arrival',
  sql: 'CREATE INDEX transport_rides_arrival ON transport_rides (arrival_at)',
};

/** A character aboard, with the world and channel its START named (used for every later warp and event). */
