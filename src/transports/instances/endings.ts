import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Clock, TimerHandle } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logging.js';
import type { OutboxWriter } from '../../platform/service.js';
import { NIL_UUID, type Tenant } from '../../platform/tenant.js';
import type { Headers } from '../../platform/wire/headers.js';
import type { InstanceRoute } from '../core/model.js';
import { recordEnded } from '../manifests/manifests.js';
import type { TransportMetrics } from '../metrics.js';
import type { ConsumableEffectType, TransportMessages } from '../producer.js';
import { type CharacterEntry, type Ride, type RideStore, stuckAt } from './rides.js';

export interface EndingDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: TransportMetrics;
  readonly messages: TransportMessages;
  readonly db: Database;
  readonly outbox: Pick<OutboxWriter, 'write' | 'committed'>;
  readonly rides: RideStore;
  readonly track: (work: Promise<unknown>) => void;
}

/** How far ahead a sweep looks, beyond its own interval: a ride due before the next sweep gets its timer now. */
const SWEEP_LOOKAHEAD_MS = 2_000;
/** Rides armed per sweep at most; a backlog is taken over the next sweeps, soonest first. */
const SWEEP_LIMIT = 1_000;

/** One command per effect item of the route the ride was started on (a reload that drops an item still cancels it). */
export function effectsOf(
  messages: TransportMessages,
  tenant: Tenant,
  route: InstanceRoute,
  rider: CharacterEntry,
  type: ConsumableEffectType,
  cause?: Headers,
): OutgoingMessage[] {
  return route.effectItemIds.map((itemId) => messages.consumableEffect(tenant, type, rider, itemId, cause));
}

/**
 * Ends rides when their time comes, exactly once across replicas. Each replica keeps timers on the injected
 * clock for the rides it knows: the ones it boarded (armed at creation), and every ride a sweep finds due
 * soon, whoever boarded it. A timer ends the ride in one transaction that locks it, writes its messages to
 * the outbox and deletes it: of two replicas whose timers fire for one ride, the second finds it gone. A
 * replica that dies leaves its rides to the others' sweeps (at most a sweep interval late, exact when the
 * sweep saw the ride before it was due), and a replica that starts arms every ride in the table.
 *
 * The sweep runs on the real clock, not the injected one: it watches for replicas that died, which is a
 * matter of real time, and a once-a-second timer on a manual clock would make a simulated day 86,400 steps.
 * What it finds is ended by timers on the injected clock, so every ending still happens at its instant.
 */
export class RideEndings {
  private readonly armed = new Map<string, TimerHandle>();
  private sweeping: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: EndingDeps) {}

  arm(id: string, dueAt: number): void {
    if (this.stopped || this.armed.has(id)) return;
    this.armed.set(
      id,
      this.deps.clock.at(dueAt, () => this.deps.track(this.finish(id))),
    );
  }

  /** The ride ended otherwise (its last rider left): its timer has nothing to do. */
  disarm(id: string): void {
    this.armed.get(id)?.cancel();
    this.armed.delete(id);
  }

  /** Arms a timer for every ride due by `until` that this replica does not know yet. */
  async sweep(until = this.deps.clock.now() + SWEEP_LOOKAHEAD_MS): Promise<void> {
    for (const { id, dueAt } of await this.deps.rides.due(until, SWEEP_LIMIT)) this.arm(id, dueAt);
  }

  /** Start-up: every ride in the table, whatever its due time (rides that came due while no replica ran end now). */
  async adopt(): Promise<void> {
    await this.sweep(Number.MAX_SAFE_INTEGER);
  }

  startSweeping(everyMs = 1_000): void {
    this.sweeping = setInterval(() => {
      this.deps.track(
        this.sweep().catch((error) =>
          this.deps.logger.warn({ err: error }, 'rides could not be swept; trying again'),
        ),
      );
    }, everyMs);
    this.sweeping.unref();
  }

  /**
   * Stops sweeping and drops every timer. The rides stay in the table: another replica, or this one's next
   * start, ends them.
   */
  stop(): void {
    this.stopped = true;
    if (this.sweeping) clearInterval(this.sweeping);
    for (const timer of this.armed.values()) timer.cancel();
    this.armed.clear();
  }

  /**
   * Ends a due ride: effects cancelled, then the warp, then the event, per rider, as HEAD. At its arrival it
   * delivers (or, for a route with a forced return, HEAD #1190, fails the ride with CANCELLED/TIMEOUT: its
   * transit maps have a time limit and the rider who did not find the way out goes to that map); a ride that
   * could not end until past its stuck timeout (the database away meanwhile, every replica down) sends its
   * riders home with CANCELLED/STUCK, the reference's safety net. A failure leaves the ride as it was; the
   * next sweep arms it again.
   */
  async finish(id: string): Promise<void> {
    this.armed.delete(id);
    const { clock, db, outbox, rides } = this.deps;
    const now = clock.now();
    try {
      const ended = await db.transaction(async (client) => {
        const due = await rides.lockDue(client, id, now);
        if (!due) return undefined;
        const { ride, aboard } = due;
        const how =
          now >= stuckAt(ride) ? 'stuck' : ride.route.forcedReturnMapId !== 0 ? 'timeout' : 'arrival';
        const outgoing = aboard.flatMap((entry) => this.farewell(ride, entry, how));
        await rides.end(client, ride, aboard);
        await recordEnded(client, ride.tenant.id, ride.id, now, {
          outcome: how === 'arrival' ? 'delivered' : 'cancelled',
          reason: how === 'arrival' ? null : how,
        });
        await outbox.write(client, outgoing);
        return { how, riders: aboard.length, sent: outgoing.length };
      });
      if (!ended) return;
      if (ended.sent > 0) outbox.committed();
      if (ended.riders > 0) {
        const type = ended.how === 'arrival' ? 'COMPLETED' : 'CANCELLED';
        this.deps.metrics.instanceEvents.inc({ type }, ended.riders);
      }
    } catch (error) {
      this.deps.logger.error(
        { instanceId: id, err: error },
        'ride could not end; the next sweep tries again',
      );
    }
  }

  private farewell(
    ride: Ride,
    entry: CharacterEntry,
    how: 'arrival' | 'timeout' | 'stuck',
  ): OutgoingMessage[] {
    const { messages } = this.deps;
    const { route, tenant } = ride;
    const mapId =
      how === 'stuck'
        ? route.startMapId
        : how === 'timeout'
          ? route.forcedReturnMapId
          : route.destinationMapId;
    const outgoing = effectsOf(messages, tenant, route, entry, 'CANCEL_CONSUMABLE_EFFECT');
    outgoing.push(messages.changeMap(tenant, { ...entry, mapId, instance: NIL_UUID, portalId: 0 }));
    outgoing.push(
      how === 'arrival'
        ? messages.completed(tenant, entry, route.id, ride.id)
        : messages.cancelled(tenant, entry, route.id, ride.id, how === 'stuck' ? 'STUCK' : 'TIMEOUT'),
    );
    return outgoing;
  }
}
