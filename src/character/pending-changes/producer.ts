import type { MessageFactory, OutgoingMessage } from '../../platform/bus/messages.js';
import type { Tenant } from '../../platform/tenant.js';
import type { Headers } from '../../platform/wire/headers.js';
import type { PendingChange } from './model.js';
import { goTime, type Saga } from './saga.js';

/**
 * EVENT_TOPIC_CHARACTER_PENDING_CHANGE (head-contract.md K18): envelope {transactionId, characterId, worldId,
 * type, body} (this topic puts characterId before worldId), keyed by the character, the record's transaction
 * id. Sagas go to COMMAND_TOPIC_SAGA keyed by the saga's id text.
 */
export class PendingChangeProducer {
  constructor(private readonly messages: MessageFactory) {}

  private event(
    tenant: Tenant,
    cause: Headers | undefined,
    c: PendingChange,
    worldId: number,
    type: string,
    body: object,
  ) {
    return this.messages.create(
      'EVENT_TOPIC_CHARACTER_PENDING_CHANGE',
      c.characterId,
      { transactionId: c.transactionId, characterId: c.characterId, worldId, type, body },
      { tenant, cause },
    );
  }

  created(tenant: Tenant, cause: Headers | undefined, c: PendingChange): OutgoingMessage {
    return this.event(tenant, cause, c, c.sourceWorldId, 'PENDING_CHANGE_CREATED', {
      pendingChangeId: c.id,
      changeType: c.type,
      requestedName: c.requestedName,
      destinationWorldId: c.destinationWorldId,
      expiresAt: goTime(c.expiresAt),
    });
  }

  /**
   * On the source world when it happens (the character has not moved yet); a LOGIN's re-notification passes
   * the character's current world, or an applied transfer would be announced to the world it left.
   */
  resolved(tenant: Tenant, cause: Headers | undefined, c: PendingChange, worldId = c.sourceWorldId) {
    return this.event(tenant, cause, c, worldId, 'PENDING_CHANGE_RESOLVED', {
      pendingChangeId: c.id,
      changeType: c.type,
      status: c.status,
      reason: c.reason,
      requestedName: c.requestedName,
      destinationWorldId: c.destinationWorldId,
    });
  }

  saga(tenant: Tenant, cause: Headers | undefined, saga: Saga): OutgoingMessage {
    return this.messages.create('COMMAND_TOPIC_SAGA', saga.transactionId, saga, { tenant, cause });
  }
}
