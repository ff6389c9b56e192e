import { z } from 'zod';
import { NIL_UUID } from '../platform/tenant.js';
import { u8 as byte, describeIssue, i16, u32 as uint32, uuid } from '../platform/wire/numbers.js';

/**
 * The commands presence handles when it owns location (LOCATION_OWNER=maps), as HEAD atlas-maps reads them
 * (`AM/kafka/message/character/kafka.go`, `channel_change.go`). Producers of the reference era omit
 * transactionId (it reads as nil) and the three target-position fields (they read as Go's zero values).
 */
const transactionId = uuid.nullish().transform((id) => id ?? NIL_UUID);

export const CHANGE_MAP = z.object({
  transactionId,
  worldId: byte,
  characterId: uint32,
  type: z.literal('CHANGE_MAP'),
  body: z.object({
    channelId: byte,
    mapId: uint32,
    instance: uuid,
    portalId: uint32,
    useTargetPosition: z.boolean().optional().default(false),
    targetX: i16.optional().default(0),
    targetY: i16.optional().default(0),
  }),
});

export type ChangeMapCommand = z.infer<typeof CHANGE_MAP>;

/** HEAD's CHANNEL_CHANGE_REQUEST has no `type` and no body: the fields are at the top level. */
export const CHANNEL_CHANGE_REQUEST = z.object({
  transactionId,
  characterId: uint32,
  worldId: byte,
  oldChannelId: byte,
  targetChannelId: byte,
});

export type ChannelChangeRequest = z.infer<typeof CHANNEL_CHANGE_REQUEST>;

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly detail: string };

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): Parsed<z.infer<S>> {
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, detail: describeIssue(parsed.error) };
}
