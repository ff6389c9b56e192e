import type { MessageFactory, OutgoingMessage } from '../../platform/bus/messages.js';
import type { Scope } from '../producer.js';
import type { RefusalReason } from './model.js';

/**
 * EVENT_TOPIC_TELEPORT_ROCK_STATUS (head-contract.md K17): envelope {transactionId, worldId, characterId, type,
 * body}, keyed by the character, fields in HEAD's declaration order.
 */
export class TeleportRockProducer {
  constructor(private readonly messages: MessageFactory) {}

  private status(scope: Scope, worldId: number, characterId: number, type: string, body: object) {
    return this.messages.create(
      'EVENT_TOPIC_TELEPORT_ROCK_STATUS',
      characterId,
      { transactionId: scope.transactionId, worldId, characterId, type, body },
      { tenant: scope.tenant, cause: scope.cause },
    );
  }

  /** The affected list after the change; `registered` tells an addition from a removal. */
  listUpdated(
    scope: Scope,
    worldId: number,
    characterId: number,
    vip: boolean,
    registered: boolean,
    maps: readonly number[],
  ): OutgoingMessage {
    return this.status(scope, worldId, characterId, 'LIST_UPDATED', { vip, registered, maps: [...maps] });
  }

  error(scope: Scope, worldId: number, characterId: number, vip: boolean, reason: RefusalReason) {
    return this.status(scope, worldId, characterId, 'ERROR', { vip, reason });
  }
}
