import type { MessageFactory, OutgoingMessage } from '../platform/bus/messages.js';
import type { Database, Queryable } from '../platform/db/database.js';
import { type Delivery, recordDelivery } from '../platform/db/inbox.js';
import type { Field } from '../platform/fields.js';
import type { OutboxWriter } from '../platform/service.js';
import type { CharacterStatusEvent } from './character-events.js';
import { characterMapStatus, type MapStatusType, type Origin } from './producer.js';
import type { PresenceRegistry } from './registry.js';
import { deletePlacement, savePlacement } from './storage.js';
import { type Transition, transitionOf } from './transition.js';

export interface PresenceProcessorDeps {
  readonly registry: PresenceRegistry;
  /** Where the registry's durable copy is written (the presence table). */
  readonly db: Database;
  readonly messages: MessageFactory;
  readonly outbox: Pick<OutboxWriter, 'write' | 'committed'>;
  /** A fresh id per reaction, shared by its EXIT and ENTER (as atlas-maps does). */
  readonly transactionId: () => string;
}

/** The presence operations: apply a character status event to the table and the registry, then announce it. */
export class PresenceProcessor {
  constructor(private readonly deps: PresenceProcessorDeps) {}

  /**
   * Moves the character and announces it in one transaction (the table row, the outbox rows and, for a
   * message that may come again, its inbox row), and the registry only once that committed: a failed write
   * changes nothing and announces nothing, and a message consumed twice moves and announces once.
   */
  async reactAndEmit(event: CharacterStatusEvent, origin: Origin, delivery?: Delivery): Promise<void> {
    const transition = transitionOf(event);
    const { db, outbox, registry } = this.deps;
    const tenantId = origin.tenant.id;
    const announcements = this.announcements(event, transition, origin);
    await db.transaction(async (client) => {
      await recordDelivery(client, delivery);
      await this.move(client, tenantId, event.characterId, transition);
      await outbox.write(client, announcements);
    });
    if (delivery) delivery.claimed = true;
    if (transition.enter) registry.place(tenantId, event.characterId, transition.enter);
    else registry.remove(tenantId, event.characterId);
    if (announcements.length > 0) outbox.committed();
  }

  private async move(
    client: Queryable,
    tenantId: string,
    characterId: number,
    transition: Transition,
  ): Promise<void> {
    if (transition.enter) await savePlacement(client, tenantId, characterId, transition.enter);
    else await deletePlacement(client, tenantId, characterId);
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
