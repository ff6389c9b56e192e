import type { MessageFactory, OutgoingMessage } from '../platform/bus/messages.js';
import type { Field } from '../platform/fields.js';
import type { Tenant } from '../platform/tenant.js';
import type { Headers } from '../platform/wire/headers.js';

export type MapStatusType = 'CHARACTER_ENTER' | 'CHARACTER_EXIT';

/** The consumed message a reaction answers: its tenant goes on every message, its trace context too. */
export interface Origin {
  readonly tenant: Tenant;
  readonly headers: Headers;
}

/**
 * The map status body exactly as atlas-maps writes it (wire.md §2.4, §3.4); keys are in Go's field order so
 * that JSON.stringify gives the same bytes.
 */
export function mapStatusBody(type: MapStatusType, transactionId: string, field: Field, characterId: number) {
  return {
    transactionId,
    worldId: field.worldId,
    channelId: field.channelId,
    mapId: field.mapId,
    instance: field.instance,
    type,
    body: { characterId },
  };
}

/** CHARACTER_ENTER / CHARACTER_EXIT on EVENT_TOPIC_MAP_STATUS, keyed by the 8-byte map id. */
export function characterMapStatus(
  messages: MessageFactory,
  type: MapStatusType,
  transactionId: string,
  field: Field,
  characterId: number,
  origin: Origin,
): OutgoingMessage {
  return messages.create(
    'EVENT_TOPIC_MAP_STATUS',
    field.mapId,
    mapStatusBody(type, transactionId, field, characterId),
    { tenant: origin.tenant, cause: origin.headers },
  );
}
