import type { Bus } from '../platform/bus/bus.js';
import { type MessageFactory, type OutgoingMessage, publishAll } from '../platform/bus/messages.js';
import type { Queryable } from '../platform/db/database.js';
import type { Field } from '../platform/fields.js';
import type { CharacterStatusEvent } from './character-events.js';
import { characterMapStatus, type MapStatusType, type Origin } from './producer.js';
import type { PresenceRegistry } from './registry.js';
import { deletePlacement, savePlacement } from './storage.js';
import { type Transition, transitionOf } from './transition.js';

export interface PresenceProcessorDeps {
  readonly registry: PresenceRegistry;
  /** Where the registry's durable copy is written (the presence table). */
  readonly db: Queryable;
  readonly messages: MessageFactory;
  readonly bus: Pick<Bus, 'publish'>;
  /** A fresh id per reaction, shared by its EXIT and ENTER (as atlas-maps does). */
  readonly transactionId: () => string;
}

/** The presence operations: apply a character status event to the table and the registry, then announce it. */
export class PresenceProcessor {
  constructor(private readonly deps: PresenceProcessorDeps) {}

  /**
   * Moves the character, then publishes. The table is written first and the registry only once it is: a
   * failed write changes nothing and announces nothing, and the bus redelivers the event. The moves are
   * idempotent (an upsert or a delete of one row), so a redelivered event lands in the same place and is
   * announced again.
   */
  async reactAndEmit(event: CharacterStatusEvent, origin: Origin): Promise<void> {
    const transition = transitionOf(event);
    await this.move(origin.tenant.id, event.characterId, transition);
    await publishAll(this.deps.bus, this.announcements(event, transition, origin));
  }

  private async move(tenantId: string, characterId: number, transition: Transition): Promise<void> {
    const { db, registry } = this.deps;
    if (transition.enter) {
      await savePlacement(db, tenantId, characterId, transition.enter);
      registry.place(tenantId, characterId, transition.enter);
    } else {
      await deletePlacement(db, tenantId, characterId);
      registry.remove(tenantId, characterId);
    }
  }

  /**
   * The map status messages of a move. EXIT is announced for the field the event names even when presence
   * did not hold the character there (an event from before presence was deployed, say): observers
   * (transports) still need to hear the exit.
   */
  private announcements(
    event: CharacterStatusEvent,
    transition: Transition,
    origin: Origin,
  ): OutgoingMessage[] {
    if (!transition.exit && !transition.enter) return [];
    const transactionId = this.deps.transactionId();
    const announce = (type: MapStatusType, field: Field) =>
      characterMapStatus(this.deps.messages, type, transactionId, field, event.characterId, origin);
    return [
      ...(transition.exit ? [announce('CHARACTER_EXIT', transition.exit)] : []),
      ...(transition.enter ? [announce('CHARACTER_ENTER', transition.enter)] : []),
    ];
  }
}
