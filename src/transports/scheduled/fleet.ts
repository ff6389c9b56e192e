import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../../platform/clock.js';
import type { Database, Migration } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logging.js';

/**
 * The replicas of the transports service that share one database (decisions E5). Each replica holds a lease:
 * its row in `transport_replicas`, renewed every `tickMs` and valid for `leaseMs` after the renewal. A replica
 * whose lease ran out is dead to the others, and a lease can never be renewed once it ran out: a replica that
 * was paused (a stop signal, a long GC, a lost connection) past its lease comes back under a new identity.
 *
 * Routes are owned by rendezvous hashing over the live leases: every replica computes the same owner for each
 * route from the same list of live replicas, so ownership spreads evenly with no per-route rows to renew
 * (upkeep is two small statements per replica per tick, whatever the number of routes), and a change of
 * membership moves only the routes of the replica that came or went. For the moment two replicas disagree
 * on the list (at most one tick), both may act on a route: every transition is recorded in the inbox with
 * its messages (see the runner), so the second one to perform a boundary writes nothing.
 *
 * Times are the injected clock's epoch milliseconds, so a test drives leases on a manual clock; replicas on
 * several machines need clocks within a fraction of the lease of each other (NTP gives milliseconds).
 */
export const FLEET_MIGRATION: Migration = {
  id: 'transports/003-fleet',
  sql: `CREATE TABLE transport_replicas (
    replica_id uuid PRIMARY KEY,
    started_at bigint NOT NULL,
    seen_at bigint NOT NULL
  );
  CREATE SEQUENCE transport_shared_version;
  -- Channel status as the fleet knows it: consumed by one replica, applied by every replica.
  CREATE TABLE transport_channels (
    tenant_id uuid NOT NULL,
    world_id integer NOT NULL,
    channel_id integer NOT NULL,
    started boolean NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (tenant_id, world_id, channel_id)
  );
  CREATE INDEX transport_channels_version ON transport_channels (version);
  -- A configuration event reached one replica: the others reload the tenant when its version moves.
  CREATE TABLE transport_reloads (
    tenant_id uuid PRIMARY KEY,
    version bigint NOT NULL
  )`,
};

export interface FleetOptions {
  /** How long a lease lasts after its renewal. A dead replica's routes move within leaseMs + tickMs. */
  readonly leaseMs: number;
  readonly tickMs: number;
}

export const DEFAULT_FLEET: FleetOptions = { leaseMs: 3_000, tickMs: 1_000 };

/** What a tick found that other replicas changed: applied by the service to its caches. */
export interface SharedChanges {
  readonly channels: ReadonlyArray<{
    tenantId: string;
    worldId: number;
    channelId: number;
    started: boolean;
  }>;
  readonly reloads: readonly string[];
  /** Tenants whose trip controls changed (transport_route_controls). */
  readonly controls: readonly string[];
}

export interface FleetListener {
  /** The live replicas changed, or this replica's lease ran out or came back: ownership is to be recomputed. */
  membership(): void;
  shared(changes: SharedChanges): void;
}

/** 32-bit FNV-1a with a final avalanche, over the replica id and the route key. */
function score(replica: string, key: string): number {
  let hash = 0x811c9dc5;
  for (const text of [replica, key]) {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** The replica that owns `key` among `replicas` (rendezvous hashing: the highest score wins). */
export function ownerOf(replicas: readonly string[], key: string): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const replica of replicas) {
    const s = score(replica, key);
    if (s > bestScore || (s === bestScore && best !== undefined && replica < best)) {
      best = replica;
      bestScore = s;
    }
  }
  return best;
}

export class Fleet {
  private replicaId = randomUUID();
  private live: readonly string[] = [];
  /** The lease is ours until then (this replica's clock); undefined before the first renewal. */
  private leaseUntil: number | undefined;
  private seenVersion = 0;
  /** The first tick learns the channels; the tenants it would reload were just loaded. */
  private first = true;
  private readonly written = new Set<number>();
  private timer: TimerHandle | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private listener: FleetListener | undefined;
  /** Statements and their time, for the upkeep figure of the benchmark and /metrics. */
  readonly upkeep = { ticks: 0, statements: 0, ms: 0 };

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: FleetOptions = DEFAULT_FLEET,
    private readonly track: (work: Promise<unknown>) => void = () => undefined,
  ) {}

  /** Registers the lease and learns the fleet; the first tick's outcome is known when this resolves. */
  async start(listener: FleetListener): Promise<void> {
    this.listener = listener;
    await this.tick();
    this.logger.info({ replicaId: this.replicaId, replicas: this.live.length }, 'transports lease taken');
    this.arm();
  }

  /** True while this replica's lease is valid and `key`'s owner is this replica. */
  owns(key: string): boolean {
    if (!this.holding()) return false;
    return ownerOf(this.live, key) === this.replicaId;
  }

  private holding(): boolean {
    return this.leaseUntil !== undefined && this.clock.now() < this.leaseUntil;
  }

  liveReplicas(): readonly string[] {
    return this.live;
  }

  /** Records a channel's status for every replica; the caller applies it to its own registry at once. */
  async channelChanged(
    tenantId: string,
    worldId: number,
    channelId: number,
    started: boolean,
  ): Promise<void> {
    const { rows } = await this.db.query<{ version: string }>(
      `INSERT INTO transport_channels (tenant_id, world_id, channel_id, started, version)
       VALUES ($1, $2, $3, $4, nextval('transport_shared_version'))
       ON CONFLICT (tenant_id, world_id, channel_id)
       DO UPDATE SET started = EXCLUDED.started, version = EXCLUDED.version
       RETURNING version`,
      [tenantId, worldId, channelId, started],
    );
    this.written.add(Number(rows[0]!.version));
  }

  /** Asks every other replica to reload the tenant (this one reloads it itself). */
  async reloaded(tenantId: string): Promise<void> {
    const { rows } = await this.db.query<{ version: string }>(
      `INSERT INTO transport_reloads (tenant_id, version) VALUES ($1, nextval('transport_shared_version'))
       ON CONFLICT (tenant_id) DO UPDATE SET version = EXCLUDED.version RETURNING version`,
      [tenantId],
    );
    this.written.add(Number(rows[0]!.version));
  }

  /** Gives the routes up at once (a drain): the others take them over at their next tick. */
  async leave(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.ticking;
    this.leaseUntil = undefined;
    await this.db.query('DELETE FROM transport_replicas WHERE replica_id = $1', [this.replicaId]);
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.clock.after(this.options.tickMs, () => {
      this.track(this.tick().finally(() => this.arm()));
    });
  }

  private tick(): Promise<void> {
    this.ticking ??= this.run().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async run(): Promise<void> {
    const began = performance.now();
    const now = this.clock.now();
    const { leaseMs } = this.options;
    let changed = false;
    try {
      const renewed = await this.db.query(
        `UPDATE transport_replicas SET seen_at = $2 WHERE replica_id = $1 AND seen_at > $3`,
        [this.replicaId, now, now - leaseMs],
      );
      if (renewed.rowCount !== 1) {
        if (this.leaseUntil !== undefined) {
          const lapsed = this.replicaId;
          this.replicaId = randomUUID();
          this.logger.warn(
            { lapsed, replicaId: this.replicaId },
            'lease ran out; rejoining under a new identity',
          );
        }
        await this.db.query(
          'INSERT INTO transport_replicas (replica_id, started_at, seen_at) VALUES ($1, $2, $2)',
          [this.replicaId, now],
        );
        changed = true;
      }
      const { rows } = await this.db.query<{ id: string }>(
        `SELECT replica_id AS id FROM transport_replicas WHERE seen_at > $1 ORDER BY replica_id`,
        [now - leaseMs],
      );
      const live = rows.map((r) => r.id);
      if (live.join() !== this.live.join()) {
        if (this.live.length > 0) this.logger.info({ replicas: live.length }, 'transports replicas changed');
        this.live = live;
        changed = true;
      }
      this.leaseUntil = now + leaseMs;
      const shared = await this.sharedChanges();
      this.upkeep.statements += 3 + (changed && renewed.rowCount !== 1 ? 1 : 0);
      if (shared) this.listener?.shared(shared);
      // Leases long gone are forgotten (a replica comes back under a new id anyway).
      if (this.upkeep.ticks % 60 === 0) {
        await this.db.query('DELETE FROM transport_replicas WHERE seen_at < $1', [now - 20 * leaseMs]);
        this.upkeep.statements++;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'fleet lease could not be renewed; trying again');
      // Ownership lapses by itself when leaseUntil passes (owns() reads the clock); say so to the runner then.
      if (this.leaseUntil !== undefined && now >= this.leaseUntil) {
        this.leaseUntil = undefined;
        changed = true;
      }
    } finally {
      this.upkeep.ticks++;
      this.upkeep.ms += performance.now() - began;
    }
    if (changed) this.listener?.membership();
  }

  /** Channel and reload rows written by other replicas since the last tick. */
  private async sharedChanges(): Promise<SharedChanges | undefined> {
    const { rows } = await this.db.query<{
      kind: 'channel' | 'reload' | 'controls';
      tenantId: string;
      worldId: number | null;
      channelId: number | null;
      started: boolean | null;
      version: string;
    }>(
      `SELECT 'channel' AS kind, tenant_id AS "tenantId", world_id AS "worldId", channel_id AS "channelId",
              started, version FROM transport_channels WHERE version > $1
       UNION ALL
       SELECT 'reload', tenant_id, NULL, NULL, NULL, version FROM transport_reloads WHERE version > $1
       UNION ALL
       SELECT 'controls', tenant_id, NULL, NULL, NULL, version FROM transport_route_controls WHERE version > $1
       ORDER BY version`,
      [this.seenVersion],
    );
    const first = this.first;
    this.first = false;
    if (rows.length === 0) return undefined;
    const channels: Array<SharedChanges['channels'][number]> = [];
    const reloads = new Set<string>();
    const controls = new Set<string>();
    for (const row of rows) {
      const version = Number(row.version);
      this.seenVersion = Math.max(this.seenVersion, version);
      if (this.written.delete(version)) continue;
      if (row.kind === 'controls') controls.add(row.tenantId);
      else if (row.kind === 'reload') {
        if (!first) reloads.add(row.tenantId);
      } else
        channels.push({
          tenantId: row.tenantId,
          worldId: row.worldId!,
          channelId: row.channelId!,
          started: row.started!,
        });
    }
    return { channels, reloads: [...reloads], controls: [...controls] };
  }
}
