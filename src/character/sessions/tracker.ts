import { randomUUID } from 'node:crypto';
import type { TimerHandle } from '../../platform/clock.js';
import type { Delivery } from '../../platform/db/inbox.js';
import type { TaskTracker } from '../../platform/tasks.js';
import type { Tenant } from '../../platform/tenant.js';
import type { Headers } from '../../platform/wire/headers.js';
import type { MapLocation } from '../lookups/location.js';
import { type Character, CharacterNotFound } from '../model.js';
import type { SessionHooks } from '../pending-changes/sessions.js';
import { commit, type OperationContext, type Transaction } from '../processor/context.js';
import { Events } from '../producer.js';
import { findCharacter, savePositions, updateCharacter } from '../storage/characters.js';
import { endSession, startSession } from './history.js';
import { SerialQueue } from './serial-queue.js';
import {
  dueLogouts,
  forgetSession,
  lockSession,
  nextLogout,
  openOnChannel,
  readSession,
  type StoredSession,
  saveSession,
  transitionsOf,
  tryLockSession,
} from './state.js';

/**
 * The location a LOGIN or LOGOUT announces: the owner's when it answered (K13), else the character's row.
 * The row follows the owner's answer, so that GET /characters/{id} agrees with it (a forced return on
 * logout moves the character without a MAP_CHANGED).
 */
async function followLocation(
  tx: Transaction,
  tenantId: string,
  c: Character,
  location: MapLocation | undefined,
): Promise<MapLocation> {
  if (!location || (location.mapId === c.mapId && location.instance === c.instance)) return c;
  await updateCharacter(tx.client, tenantId, c.id, { mapId: location.mapId, instance: location.instance });
  return location;
}

/** How long a channel session may be gone before the character counts as logged out (a channel change). */
export const TRANSITION_MS = 5_000;

/** When a logout could not be written (database away), it is tried again after this long. */
const RETRY_MS = 1_000;

/**
 * How late a replica fires a logout another replica armed: that one fires it on time unless it died, and a
 * survivor then takes over within this grace plus one watch period (decisions E5: "within seconds").
 */
export const TAKEOVER_GRACE_MS = 1_000;

/** How often (wall time) a replica looks for logouts armed elsewhere; the due times follow the injected clock. */
export const WATCH_MS = 1_000;

const BATCH = 100;

/** Which logouts apply: a channel's (any session on it), a shutdown's (this replica's transitions), a timer's. */
interface Logout {
  readonly wait: boolean;
  readonly mine?: boolean;
  readonly onChannel?: { readonly worldId: number; readonly channelId: number };
}

const key = (tenantId: string, characterId: number) => `${tenantId}:${characterId}`;

/** A session known only from its history row was opened before this replica (or this table) knew it. */
const unseen = (s: StoredSession, replica: string) => s.replica !== replica;

/**
 * The session state machine (character.md §3 with decisions B15, B17, E5): channel sessions become LOGIN,
 * CHANNEL_CHANGED and LOGOUT events and session_history rows. The state between events lives in
 * character_sessions, so every replica sees the same sessions; each transition is one transaction under the
 * character's session lock (history row, state row and event together). A logout is a due time in that row:
 * the replica that armed it fires it on its clock, and any replica's watch fires it if that one died.
 */
export class SessionTracker {
  /** Orders this replica's work per character (the database lock orders it across replicas). */
  private readonly queue = new SerialQueue();
  /** This process, as written in the rows it changes. A restart is a new replica. */
  readonly replica = randomUUID();
  private readonly timers = new Map<string, TimerHandle>();
  private watchTimer: { at: number; handle: TimerHandle } | undefined;
  private interval: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: OperationContext,
    private readonly tasks: TaskTracker,
    /** Work that commits with a LOGIN or LOGOUT (pending changes, head-contract.md K9). */
    private readonly hooks?: SessionHooks,
  ) {}

  /**
   * Fires what is due now (sessions left in transition by a replica that stopped, this one's previous life
   * included) and then keeps watching. Only MIXED replicas watch: a logout is a state change.
   */
  async start(watchMs = WATCH_MS): Promise<void> {
    // The id its rows carry: an operator (or a test) tells which process armed a logout.
    this.ctx.logger.info({ replica: this.replica }, 'session replica watching logouts');
    await this.watch();
    this.interval = setInterval(() => void this.tasks.track(this.watch()), watchMs);
    this.interval.unref();
  }

  /**
   * A channel session started: a login, or the second half of a channel change. A CREATED for a session this
   * replica never handled while it was logged in is a login too: its DESTROYED may have been lost with a
   * process (a registry that started empty, the reference's, would have announced LOGIN as well).
   */
  created(
    tenant: Tenant,
    cause: Headers,
    delivery: Delivery | undefined,
    characterId: number,
    worldId: number,
    channelId: number,
  ) {
    return this.queue.run(key(tenant.id, characterId), async () => {
      const before = await readSession(this.ctx.db.pool, tenant.id, characterId);
      if (before?.state === 'LOGGED_IN' && !unseen(before, this.replica)) return;
      // Asked before the transaction (it may be a REST call); only a login's body needs it.
      const location =
        before?.state === 'TRANSITION' ? undefined : await this.ctx.locations.locationOf(tenant, characterId);
      const now = this.ctx.clock.now();
      const outcome = await commit(this.ctx, delivery, async (tx) => {
        await lockSession(tx.client, tenant.id, characterId);
        const session = await readSession(tx.client, tenant.id, characterId);
        if (session?.state === 'LOGGED_IN' && !unseen(session, this.replica)) return 'ignored';
        const c = await findCharacter(tx.client, tenant.id, characterId);
        if (!c) {
          if (session) {
            await endSession(tx.client, tenant.id, characterId, now);
            await forgetSession(tx.client, tenant.id, characterId);
          }
          return 'missing';
        }
        const oldChannelId = session?.state === 'TRANSITION' ? session.channelId : undefined;
        await startSession(tx.client, tenant.id, characterId, worldId, channelId, now);
        await saveSession(tx.client, {
          tenant,
          characterId,
          worldId,
          channelId,
          state: 'LOGGED_IN',
          since: now,
          replica: this.replica,
        });
        const scope = { tenant, cause, transactionId: randomUUID() };
        const emit = this.ctx.producer.character(scope, worldId, characterId);
        if (oldChannelId === undefined) {
          const at = await followLocation(tx, tenant.id, c, location);
          tx.emit(emit(Events.login(channelId, at.mapId, at.instance)));
          await this.hooks?.loggedIn(tx, tenant, c);
        } else if (this.ctx.locations.owner === 'character') {
          tx.emit(emit(Events.channelChanged(channelId, oldChannelId, c.mapId, c.instance)));
        } else if (this.ctx.locations.inProcess) {
          // K2: the owner announces CHANNEL_CHANGED. A reference-era channel server never asks it to, so
          // the presence module of this process is asked here; a request atlas-channel already sent makes
          // this one a no-op there. Beside HEAD atlas-maps nothing is sent: atlas-channel asks it itself.
          tx.emit(
            this.ctx.producer.channelChangeRequest(scope, worldId, characterId, oldChannelId, channelId),
          );
        }
        return 'started';
      });
      if (outcome !== 'ignored') this.disarm(tenant.id, characterId);
      if (outcome === 'missing') throw new CharacterNotFound(characterId);
    });
  }

  /** A channel session ended: the character is in transition for 5 s, on the injected clock. */
  destroyed(tenant: Tenant, characterId: number, delivery?: Delivery) {
    return this.queue.run(key(tenant.id, characterId), async () => {
      const now = this.ctx.clock.now();
      const due = await commit(this.ctx, delivery, async (tx) => {
        await lockSession(tx.client, tenant.id, characterId);
        const session = await readSession(tx.client, tenant.id, characterId);
        if (session?.state !== 'LOGGED_IN') return undefined;
        const logoutAt = now + TRANSITION_MS;
        await saveSession(tx.client, {
          tenant,
          characterId,
          worldId: session.worldId,
          channelId: session.channelId,
          state: 'TRANSITION',
          since: now,
          logoutAt,
          replica: this.replica,
        });
        return logoutAt;
      });
      if (due !== undefined) this.arm(tenant.id, characterId, due);
    });
  }

  /** A channel going down ends its sessions now, so playtime never counts the downtime (B17). */
  async channelShutdown(tenant: Tenant, worldId: number, channelId: number): Promise<number> {
    const characters = await openOnChannel(this.ctx.db.pool, tenant.id, worldId, channelId);
    const ended = await Promise.all(
      characters.map((characterId) =>
        this.queue.run(key(tenant.id, characterId), () =>
          this.logout(tenant.id, characterId, {
            wait: true,
            tenant,
            onChannel: { worldId, channelId },
          }),
        ),
      ),
    );
    return ended.filter(Boolean).length;
  }

  /**
   * Clean shutdown: the sessions this replica put in transition log out now rather than staying open until
   * another replica (or this one, restarted) takes them over. Watching stops first.
   */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    this.watchTimer?.handle.cancel();
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    const pending = await transitionsOf(this.ctx.db.pool, this.replica);
    await Promise.all(
      pending.map(({ tenantId, characterId }) =>
        this.queue
          .run(key(tenantId, characterId), () =>
            this.logout(tenantId, characterId, { wait: true, mine: true }),
          )
          .catch((error) => this.ctx.logger.error({ err: error, characterId }, 'logout at shutdown failed')),
      ),
    );
  }

  get busy(): boolean {
    return this.queue.busy;
  }

  /** The logout of a session this replica put in transition, at its due time on the injected clock. */
  private arm(tenantId: string, characterId: number, at: number): void {
    if (this.stopped) return;
    const k = key(tenantId, characterId);
    this.timers.get(k)?.cancel();
    this.timers.set(
      k,
      this.ctx.clock.at(at, () => {
        this.timers.delete(k);
        void this.tasks.track(this.expire(tenantId, characterId));
      }),
    );
  }

  private disarm(tenantId: string, characterId: number): void {
    const k = key(tenantId, characterId);
    this.timers.get(k)?.cancel();
    this.timers.delete(k);
  }

  /**
   * Fires every logout due for this replica, then sets a timer (on the injected clock) for the next one, so
   * that a logout armed elsewhere fires at its instant here too should its replica be gone by then.
   */
  private async watch(): Promise<void> {
    if (this.stopped) return;
    try {
      const { pool } = this.ctx.db;
      const now = this.ctx.clock.now();
      const due = await dueLogouts(pool, this.replica, now, TAKEOVER_GRACE_MS, BATCH);
      await Promise.all(due.map(({ tenantId, characterId }) => this.expire(tenantId, characterId)));
      const next = await nextLogout(pool, this.replica, this.ctx.clock.now(), TAKEOVER_GRACE_MS);
      if (next === undefined || this.stopped) return;
      if (this.watchTimer && this.watchTimer.at <= next && this.watchTimer.at > this.ctx.clock.now()) return;
      this.watchTimer?.handle.cancel();
      this.watchTimer = {
        at: next,
        handle: this.ctx.clock.at(next, () => {
          this.watchTimer = undefined;
          void this.tasks.track(this.watch());
        }),
      };
    } catch (error) {
      // The next watch period tries again.
      this.ctx.logger.warn({ err: error }, 'session logouts could not be checked');
    }
  }

  private expire(tenantId: string, characterId: number): Promise<void> {
    return this.queue.run(key(tenantId, characterId), async () => {
      try {
        await this.logout(tenantId, characterId, { wait: false });
      } catch (error) {
        this.ctx.logger.error({ err: error, characterId }, 'logout failed; retrying');
        this.arm(tenantId, characterId, this.ctx.clock.now() + RETRY_MS);
      }
    });
  }

  /**
   * Closes the history row, stores the live position (B14), forgets the state and announces LOGOUT, in one
   * transaction under the session lock; true when it did. A timer's logout (`wait: false`) happens only for a
   * session still in transition and due, and gives way to a replica holding the lock (it is handling that
   * character already); a shutdown's or a channel's (`wait: true`) waits for the lock and ends any session.
   */
  private async logout(
    tenantId: string,
    characterId: number,
    how: Logout & { tenant?: Tenant },
  ): Promise<boolean> {
    const pool = this.ctx.db.pool;
    const seen = await readSession(pool, tenantId, characterId);
    if (!seen || !this.applies(seen, how)) return false;
    const tenant = how.tenant ??
      seen.tenant ?? { id: tenantId, region: '', majorVersion: 0, minorVersion: 0 };
    const position = this.ctx.positions.unsaved(tenantId, characterId);
    const location = await this.ctx.locations.locationOf(tenant, characterId);
    const done = await commit(this.ctx, undefined, async (tx) => {
      if (how.wait) await lockSession(tx.client, tenantId, characterId);
      else if (!(await tryLockSession(tx.client, tenantId, characterId))) return false;
      // Read again under the lock: another replica may have ended or renewed the session meanwhile.
      const session = await readSession(tx.client, tenantId, characterId);
      if (!session || !this.applies(session, how)) return false;
      // A timer's logout is recorded at its due time, whichever replica sends it and however late: the
      // session ended when its transition ran out, not when a survivor noticed.
      const now = this.ctx.clock.now();
      const at = !how.wait && session.logoutAt !== undefined ? Math.min(session.logoutAt, now) : now;
      await endSession(tx.client, tenantId, characterId, at);
      await forgetSession(tx.client, tenantId, characterId);
      const c = await findCharacter(tx.client, tenantId, characterId);
      if (!c) return true;
      if (position) await savePositions(tx.client, tenantId, [[characterId, position]]);
      const emit = this.ctx.producer.character(
        { tenant, transactionId: randomUUID() },
        session.worldId,
        characterId,
      );
      const here = await followLocation(tx, tenantId, c, location);
      tx.emit(emit(Events.logout(session.channelId, here.mapId, here.instance)));
      await this.hooks?.loggingOut(tx, tenant, c);
      return true;
    });
    if (done) {
      this.disarm(tenantId, characterId);
      this.ctx.positions.delete(tenantId, characterId);
    }
    return done;
  }

  private applies(session: StoredSession, how: Logout): boolean {
    if (how.onChannel)
      return session.worldId === how.onChannel.worldId && session.channelId === how.onChannel.channelId;
    if (how.mine) return session.state === 'TRANSITION' && session.replica === this.replica;
    return (
      session.state === 'TRANSITION' &&
      session.logoutAt !== undefined &&
      session.logoutAt <= this.ctx.clock.now()
    );
  }
}
