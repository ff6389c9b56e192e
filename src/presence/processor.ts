import type { MessageFactory, OutgoingMessage } from '../platform/bus/messages.js';
import type { Database, Queryable } from '../platform/db/database.js';
import { type Delivery, recordDelivery } from '../platform/db/inbox.js';
import type { Field } from '../platform/fields.js';
import type { OutboxWriter } from '../platform/service.js';
import { NIL_UUID } from '../platform/tenant.js';
import type { CharacterStatusEvent } from './character-events.js';
import type { MapData } from './forced-return.js';
import { characterMapStatus, type MapStatusType, type Origin } from './producer.js';
import {
  deletePlacement,
  saveLocation,
  savePlacement,
  seedLocation,
  setStanding,
  standingOf,
} from './storage.js';
import { type Transition, transitionOf } from './transition.js';

export interface PresenceProcessorDeps {
  /** Where the locations and who stands where are written (the presence table), shared by every replica. */
  readonly db: Database;
  readonly messages: MessageFactory;
  readonly outbox: Pick<OutboxWriter, 'write' | 'committed'>;
  /** A fresh id per reaction, shared by its EXIT and ENTER (as atlas-maps does). */
  readonly transactionId: () => string;
  /** Present when presence owns location (LOCATION_OWNER=maps): a LOGOUT then resolves the forced return. */
  readonly mapData?: MapData;
}

/** The presence operations: apply a character status event to the table, then announce it. */
export class PresenceProcessor {
  constructor(private readonly deps: PresenceProcessorDeps) {}

  /**
   * Moves the character and announces it in one transaction (the table row, the outbox rows and, for a
   * message that may come again, its inbox row): a failed write changes nothing and announces nothing, and a
   * message consumed twice moves and announces once, whichever replica consumes it.
   */
  async reactAndEmit(event: CharacterStatusEvent, origin: Origin, delivery?: Delivery): Promise<void> {
    const { db, outbox } = this.deps;
    const tenantId = origin.tenant.id;
    // Looked up before the transaction, so that a slow data service holds no row lock.
    const restingPlace =
      event.type === 'LOGOUT' && this.deps.mapData
        ? await this.deps.mapData.forcedReturn(origin.tenant, { worldId: event.worldId, ...event.body })
        : undefined;
    let transition: Transition = {};
    let announcements: OutgoingMessage[] = [];
    await db.transaction(async (client) => {
      await recordDelivery(client, delivery);
      transition = await this.move(client, tenantId, event, restingPlace);
      if (transition.enter) await setStanding(client, tenantId, event.characterId, transition.enter);
      else if (event.type === 'LOGOUT') await setStanding(client, tenantId, event.characterId, undefined);
      announcements = this.announcements(event, transition, origin);
      await outbox.write(client, announcements);
    });
    if (delivery) delivery.claimed = true;
    if (announcements.length > 0) outbox.committed();
  }

  /**
   * Stores the event's effect on the location and answers the move it makes: the reference's transition,
   * with two refinements for an owner that also keeps offline characters. A warp of an offline character
   * (the UI's Change Map dialog) moves its location and nobody sees it enter; a channel change exits the
   * field the character really stood in, which differs from the event's map when a forced return moved it.
   */
  private async move(
    client: Queryable,
    tenantId: string,
    event: CharacterStatusEvent,
    restingPlace: Field | undefined,
  ): Promise<Transition> {
    const id = event.characterId;
    const transition = transitionOf(event);
    switch (event.type) {
      case 'CREATED': {
        const { mapId, instance } = event.body;
        // A new character belongs to no channel yet: HEAD atlas-maps seeds channel 0.
        if (mapId !== undefined) {
          const field = { worldId: event.worldId, channelId: 0, mapId, instance: instance ?? NIL_UUID };
          await seedLocation(client, tenantId, id, field);
        }
        return transition;
      }
      case 'LOGOUT':
        await saveLocation(client, tenantId, id, restingPlace ?? transition.exit!, 'OFFLINE');
        return transition;
      case 'DELETED':
        await deletePlacement(client, tenantId, id);
        return transition;
      case 'MAP_CHANGED': {
        // One statement moves the location and tells whether the character is in the game.
        const state = await saveLocation(client, tenantId, id, transition.enter!, 'IN_FIELD', true);
        return state === 'OFFLINE' ? {} : transition;
      }
      case 'CHANNEL_CHANGED': {
        // Read (and held) before the move: where it stood is what the owner's write already replaced.
        const standing = await standingOf(client, tenantId, id, true);
        await savePlacement(client, tenantId, id, transition.enter!);
        const stood = standing?.channelId === event.body.oldChannelId;
        return stood ? { ...transition, exit: standing } : transition;
      }
      case 'LOGIN':
        await savePlacement(client, tenantId, id, transition.enter!);
        return transition;
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
