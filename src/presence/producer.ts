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

/**
 * A character status event as HEAD atlas-maps writes it (`AM/kafka/producer/character.go`): the envelope
 * `{transactionId, worldId, characterId, type, body}` on EVENT_TOPIC_CHARACTER_STATUS, keyed by the character.
 */
export function characterStatus(
  messages: MessageFactory,
  envelope: CharacterEnvelope,
  type: 'MAP_CHANGED' | 'CHANNEL_CHANGED',
  body: object,
  origin: Partial<Origin> & Pick<Origin, 'tenant'>,
): OutgoingMessage {
  return characterMessage(messages, 'EVENT_TOPIC_CHARACTER_STATUS', envelope, type, body, origin);
}

interface CharacterEnvelope {
  readonly transactionId: string;
  readonly worldId: number;
  readonly characterId: number;
}

/** The character envelope `{transactionId, worldId, characterId, type, body}`, keyed by the character. */
function characterMessage(
  messages: MessageFactory,
  topic: 'EVENT_TOPIC_CHARACTER_STATUS' | 'COMMAND_TOPIC_CHARACTER',
  envelope: CharacterEnvelope,
  type: string,
  body: object,
  origin: Partial<Origin> & Pick<Origin, 'tenant'>,
): OutgoingMessage {
  const { transactionId, worldId, characterId } = envelope;
  return messages.create(
    topic,
    characterId,
    { transactionId, worldId, characterId, type, body },
    { tenant: origin.tenant, cause: origin.headers },
  );
}

/** MAP_CHANGED's body in HEAD's field order; Go writes the three target-position fields always. */
export function mapChangedBody(
  old: Field,
  target: Field,
  portalId: number,
  position: { useTargetPosition: boolean; targetX: number; targetY: number },
) {
  return {
    channelId: target.channelId,
    oldMapId: old.mapId,
    oldInstance: old.instance,
    targetMapId: target.mapId,
    targetInstance: target.instance,
    targetPortalId: portalId,
    useTargetPosition: position.useTargetPosition,
    targetX: position.targetX,
    targetY: position.targetY,
  };
}

/** CHANGE_MAP on COMMAND_TOPIC_CHARACTER, for the owner when presence is not (LOCATION_OWNER=character). */
export function changeMapCommand(
  messages: MessageFactory,
  envelope: CharacterEnvelope,
  target: Field,
  portalId: number,
  origin: Partial<Origin> & Pick<Origin, 'tenant'>,
): OutgoingMessage {
  const { channelId, mapId, instance } = target;
  const body = { channelId, mapId, instance, portalId };
  return characterMessage(messages, 'COMMAND_TOPIC_CHARACTER', envelope, 'CHANGE_MAP', body, origin);
}
