import type { TimerHandle } from '../../platform/clock.js';
import type { Tenant } from '../../platform/tenant.js';

/**
 * LoggedIn: the character plays on a channel. Transition: its channel session ended; unless a new one starts
 * within 5 s (a channel change), the character logs out. Logged out is the absence of an entry.
 */
export type SessionState = 'LOGGED_IN' | 'TRANSITION';

export interface Session {
  /** Rebuilt sessions know only the tenant id until a message about them brings the full tenant. */
  tenant: Tenant;
  readonly characterId: number;
  worldId: number;
  channelId: number;
  state: SessionState;
  /** When the state was entered (epoch ms). */
  since: number;
  /** The logout of a session in transition. */
  timer?: TimerHandle;
  /** Rebuilt at start-up from an open history row, not seen since: it may have ended while we were down. */
  rebuilt?: boolean;
}

/** The session registry (character.md §3.1), keyed by tenant and character. */
export class SessionRegistry {
  private readonly sessions = new Map<string, Map<number, Session>>();

  get(tenantId: string, characterId: number): Session | undefined {
    return this.sessions.get(tenantId)?.get(characterId);
  }

  set(session: Session): void {
    let characters = this.sessions.get(session.tenant.id);
    if (!characters) {
      characters = new Map();
      this.sessions.set(session.tenant.id, characters);
    }
    characters.get(session.characterId)?.timer?.cancel();
    characters.set(session.characterId, session);
  }

  remove(session: Session): void {
    session.timer?.cancel();
    const characters = this.sessions.get(session.tenant.id);
    if (characters?.get(session.characterId) === session) characters.delete(session.characterId);
  }

  /** Sessions of a tenant on one channel, for a channel that shuts down. */
  onChannel(tenantId: string, worldId: number, channelId: number): Session[] {
    const characters = this.sessions.get(tenantId);
    if (!characters) return [];
    return [...characters.values()].filter((s) => s.worldId === worldId && s.channelId === channelId);
  }

  all(): Session[] {
    return [...this.sessions.values()].flatMap((characters) => [...characters.values()]);
  }
}

/**
 * Runs work one at a time per key, in arrival order: a session's events, its logout timer and a channel
 * shutdown never interleave, so a late logout can never close the row a new login just opened.
 */
export class SerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get busy(): boolean {
    return this.tails.size > 0;
  }
}
