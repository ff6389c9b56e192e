import { z } from 'zod';
import { u8 as byte, describeIssue, u32 as uint32, uuid } from '../platform/wire/numbers.js';

/**
 * The character status events presence reacts to (wire.md §3.3), parsed at the edge into typed values.
 * atlas-character produces them with the envelope {"transactionId","worldId","characterId","type","body"};
 * presence mints its own transactionId per reaction, so the incoming one is not read.
 */

function statusEvent<T extends string, B extends z.ZodRawShape>(type: T, body: B) {
  return z.object({ worldId: byte, characterId: uint32, type: z.literal(type), body: z.object(body) });
}

const fieldBody = { channelId: byte, mapId: uint32, instance: uuid };

export const CHARACTER_STATUS_EVENTS = {
  // HEAD adds mapId and instance (K12); from a producer of the reference era they are absent, and presence
  // then seeds nothing rather than guess a map (the first LOGIN creates the row).
  CREATED: statusEvent('CREATED', { mapId: uint32.optional(), instance: uuid.optional() }),
  LOGIN: statusEvent('LOGIN', fieldBody),
  LOGOUT: statusEvent('LOGOUT', fieldBody),
  MAP_CHANGED: statusEvent('MAP_CHANGED', {
    channelId: byte,
    oldMapId: uint32,
    oldInstance: uuid,
    targetMapId: uint32,
    targetInstance: uuid,
  }),
  CHANNEL_CHANGED: statusEvent('CHANNEL_CHANGED', { ...fieldBody, oldChannelId: byte }),
  // Forgetting a character needs nothing but its id; the body is `{}`.
  DELETED: z.object({ characterId: uint32, type: z.literal('DELETED') }),
};

export type PresenceEventType = keyof typeof CHARACTER_STATUS_EVENTS;

export type CharacterStatusEvent = z.infer<(typeof CHARACTER_STATUS_EVENTS)[PresenceEventType]>;

/**
 * What the consumer reads first: only the type. The topic carries many other types (STAT_CHANGED,
 * EXPERIENCE_CHANGED, ...) meant for other services; those pass this schema and are then ignored.
 */
export const characterStatusEnvelope = z.looseObject({ type: z.string() });

export function isPresenceEventType(type: string): type is PresenceEventType {
  return Object.hasOwn(CHARACTER_STATUS_EVENTS, type);
}

export type ParsedEvent =
  | { readonly ok: true; readonly event: CharacterStatusEvent }
  | { readonly ok: false; readonly detail: string };

/** Parses a message of a type presence knows; `detail` names the first bad field. */
export function parseCharacterStatus(type: PresenceEventType, value: unknown): ParsedEvent {
  const parsed = CHARACTER_STATUS_EVENTS[type].safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, detail: `${type} ${describeIssue(parsed.error)}` };
}
