import { randomUUID } from 'node:crypto';
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
import { endSession, openSessions, startSession } from './history.js';
import { SerialQueue, type Session, SessionRegistry } from './registry.js';

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

const key = (tenantId: string, characterId: number) => `${tenantId}:${characterId}`;

/**
 * The session state machine (character.md §3 with decisions B15, B17): channel sessions become LOGIN,
 * CHANNEL_CHANGED and LOGOUT events and session_history rows. Each transition is one transaction (history
 * row and event together); the registry changes only after it committed.
 */
export class SessionTracker {
  private readonly registry = new SessionRegistry();
  private readonly queue = new SerialQueue();

  constructor(
    private readonly ctx: OperationContext,
    private readonly tasks: TaskTracker,
    /** Work that commits with a LOGIN or LOGOUT (pending changes, head-contract.md K9). */
    private readonly hooks?: SessionHooks,
  ) {}

  /** Rebuilds the registry from open history rows, so a DESTROYED after a restart still logs out (B15). */
  async rebuild(): Promise<number> {
    const open = await openSessions(this.ctx.db.pool);
    for (const row of open) {
      this.registry.set({
        tenant: { id: row.tenantId, region: '', majorVersion: 0, minorVersion: 0 },
        characterId: row.characterId,
        worldId: row.worldId,
        channelId: row.channelId,
        state: 'LOGGED_IN',
        since: row.loginMs,
        rebuilt: true,
      });
    }
    return open.length;
  }

  /**
   * A channel session started: a login, or the second half of a channel change. A CREATED for a session only
   * rebuilt from its open row is a login too: its DESTROYED may have come while the logout timer died with the
   * process, and a registry that started empty (the reference's) would have announced LOGIN as well.
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
      const session = this.registry.get(tenant.id, characterId);
      if (session?.state === 'LOGGED_IN' && !session.rebuilt) return;
      const now = this.ctx.clock.now();
      const oldChannelId = session?.state === 'TRANSITION' ? session.channelId : undefined;
      // Asked before the transaction (it may be a REST call); only a login's body needs it.
      const location =
        oldChannelId === undefined ? await this.ctx.locations.locationOf(tenant, characterId) : undefined;
      const found = await commit(this.ctx, delivery, async (tx) => {
        const c = await findCharacter(tx.client, tenant.id, characterId);
        if (!c) {
          if (session) await endSession(tx.client, tenant.id, characterId, now);
          return false;
        }
        await startSession(tx.client, tenant.id, characterId, worldId, channelId, now);
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
        return true;
      });
      if (!found) {
        if (session) this.registry.remove(session);
        throw new CharacterNotFound(characterId);
      }
      this.registry.set({ tenant, characterId, worldId, channelId, state: 'LOGGED_IN', since: now });
    });
  }

  /** A channel session ended: the character is in transition for 5 s, on the injected clock. */
  destroyed(tenant: Tenant, characterId: number) {
    return this.queue.run(key(tenant.id, characterId), async () => {
      const session = this.registry.get(tenant.id, characterId);
      if (session?.state !== 'LOGGED_IN') return;
      session.tenant = tenant;
      session.state = 'TRANSITION';
      session.since = this.ctx.clock.now();
      this.arm(session, session.since + TRANSITION_MS);
    });
  }

  /** A channel going down ends its sessions now, so playtime never counts the downtime (B17). */
  async channelShutdown(tenant: Tenant, worldId: number, channelId: number): Promise<number> {
    const sessions = this.registry.onChannel(tenant.id, worldId, channelId);
    await Promise.all(
      sessions.map((session) =>
        this.queue.run(key(tenant.id, session.characterId), async () => {
          if (this.registry.get(tenant.id, session.characterId) !== session) return;
          session.tenant = tenant;
          await this.logout(session, this.ctx.clock.now());
        }),
      ),
    );
    return sessions.length;
  }

  /** Clean shutdown: a session in transition logs out now rather than staying open across the restart. */
  async close(): Promise<void> {
    const pending = this.registry.all().filter((s) => s.state === 'TRANSITION');
    for (const session of this.registry.all()) session.timer?.cancel();
    await Promise.all(
      pending.map((session) =>
        this.queue.run(key(session.tenant.id, session.characterId), () =>
          this.logout(session, this.ctx.clock.now()).catch((error) =>
            this.ctx.logger.error(
              { err: error, characterId: session.characterId },
              'logout at shutdown failed',
            ),
          ),
        ),
      ),
    );
  }

  get busy(): boolean {
    return this.queue.busy;
  }

  private arm(session: Session, at: number): void {
    session.timer = this.ctx.clock.at(at, () => {
      void this.tasks.track(this.expire(session));
    });
  }

  private expire(session: Session): Promise<void> {
    return this.queue.run(key(session.tenant.id, session.characterId), async () => {
      if (this.registry.get(session.tenant.id, session.characterId) !== session) return;
      if (session.state !== 'TRANSITION') return;
      try {
        await this.logout(session, this.ctx.clock.now());
      } catch (error) {
        this.ctx.logger.error({ err: error, characterId: session.characterId }, 'logout failed; retrying');
        this.arm(session, this.ctx.clock.now() + RETRY_MS);
      }
    });
  }

  /** Closes the history row, stores the live position (B14) and announces LOGOUT, in one transaction. */
  private async logout(session: Session, at: number): Promise<void> {
    const { tenant, characterId } = session;
    const position = this.ctx.positions.get(tenant.id, characterId);
    const location = await this.ctx.locations.locationOf(tenant, characterId);
    // Timer-driven or a channel's SHUTDOWN: the closed history row itself makes a repeat do nothing.
    await commit(this.ctx, undefined, async (tx) => {
      await endSession(tx.client, tenant.id, characterId, at);
      const c = await findCharacter(tx.client, tenant.id, characterId);
      if (!c) return;
      if (position) await savePositions(tx.client, tenant.id, [[characterId, position]]);
      const emit = this.ctx.producer.character(
        { tenant, transactionId: randomUUID() },
        session.worldId,
        characterId,
      );
      const here = await followLocation(tx, tenant.id, c, location);
      tx.emit(emit(Events.logout(session.channelId, here.mapId, here.instance)));
      await this.hooks?.loggingOut(tx, tenant, c);
    });
    this.registry.remove(session);
    this.ctx.positions.delete(tenant.id, characterId);
  }
}
