import type { Bus } from '../platform/bus/bus.js';
import { type MessageFactory, type OutgoingMessage, publishAll } from '../platform/bus/messages.js';
import type { Field } from '../platform/fields.js';
import type { CharacterStatusEvent } from './character-events.js';
import { characterMapStatus, type MapStatusType, type Origin } from './producer.js';
import type { PresenceRegistry } from './registry.js';
import { transitionOf } from './transition.js';

export interface PresenceProcessorDeps {
  readonly registry: PresenceRegistry;
  readonly messages: MessageFactory;
  readonly bus: Pick<Bus, 'publish'>;
  /** A fresh id per reaction, shared by its EXIT and ENTER (as atlas-maps does). */
  readonly transactionId: () => string;
}

/** The presence operations: apply a character status event to the registry, then announce it. */
export class PresenceProcessor {
  constructor(private readonly deps: PresenceProcessorDeps) {}

  /**
   * Moves the character in the registry and returns the map status messages the move causes. EXIT is
   * announced for the field the event names even when the registry did not hold the character there:
   * after a restart the registry is empty, and observers (transports) still need to hear the exit.
   */
  react(event: CharacterStatusEvent, origin: Origin): OutgoingMessage[] {
    const { registry, messages } = this.deps;
    const transition = transitionOf(event);
    if (transition.enter) registry.place(origin.tenant.id, event.characterId, transition.enter);
    else registry.remove(origin.tenant.id, event.characterId);

    if (!transition.exit && !transition.enter) return [];
    const transactionId = this.deps.transactionId();
    const announce = (type: MapStatusType, field: Field) =>
      characterMapStatus(messages, type, transactionId, field, event.characterId, origin);
    return [
      ...(transition.exit ? [announce('CHARACTER_EXIT', transition.exit)] : []),
      ...(transition.enter ? [announce('CHARACTER_ENTER', transition.enter)] : []),
    ];
  }

  /**
   * Reacts, then publishes. The registry moves are idempotent, so if publishing fails and the bus redelivers
   * the event, the second attempt lands in the same place and announces it again.
   */
  async reactAndEmit(event: CharacterStatusEvent, origin: Origin): Promise<void> {
    await publishAll(this.deps.bus, this.react(event, origin));
  }
}
