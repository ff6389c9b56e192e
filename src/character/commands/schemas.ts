import { z } from 'zod';
import { NIL_UUID } from '../../platform/tenant.js';
import { i8, i16, i32, integer, u8, u16, u32, uuid } from '../../platform/wire/numbers.js';
import { invalidRebalanceTarget } from '../rules/index.js';

/**
 * The commands of COMMAND_TOPIC_CHARACTER (character.md §6.5, wire.md §3.1), each envelope and body as
 * Atlas's producers send them. Some producers (portals, transports) omit transactionId: it reads as nil.
 */
function command<B extends z.ZodType>(body: B) {
  return z.object({
    transactionId: uuid.optional().transform((id) => id ?? NIL_UUID),
    worldId: u8,
    characterId: u32,
    type: z.string(),
    body,
  });
}

/** Go marshals a nil slice as null. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((items) => items ?? []);

const channel = { channelId: u8 };

/** Atlas HEAD's additions are Go fields without omitempty on the sender's side but absent from 1ec senders. */
const showEffect = z.boolean().optional().default(false);

/** REBALANCE_AP's targets: lower-case base stats, each once, floors within [4, 32767] (rules/rebalance-ap). */
const rebalanceTargets = list(z.object({ stat: z.string(), floor: u16 })).superRefine((targets, issue) => {
  const invalid = invalidRebalanceTarget(targets);
  if (invalid) issue.addIssue({ code: 'custom', message: invalid, path: ['targets'] });
});

export const CommandSchemas = {
  CREATE_CHARACTER: command(
    z.object({
      accountId: u32,
      worldId: u8,
      name: z.string(),
      level: u8,
      strength: u16,
      dexterity: u16,
      intelligence: u16,
      luck: u16,
      maxHp: u16,
      maxMp: u16,
      jobId: u16,
      gender: u8,
      hair: u32,
      face: u32,
      skinColor: u8,
      mapId: u32,
      // K4, omitempty at HEAD: absent means 0. The GM level has the range PATCH accepts.
      gm: integer(0, 2_147_483_647).optional().default(0),
      meso: u32.optional().default(0),
    }),
  ),
  CHANGE_MAP: command(z.object({ ...channel, mapId: u32, instance: uuid, portalId: u32 })),
  CHANGE_JOB: command(z.object({ ...channel, jobId: u16 })),
  CHANGE_HAIR: command(z.object({ ...channel, styleId: u32 })),
  CHANGE_FACE: command(z.object({ ...channel, styleId: u32 })),
  CHANGE_SKIN: command(z.object({ ...channel, styleId: u8 })),
  AWARD_EXPERIENCE: command(
    z.object({
      ...channel,
      distributions: list(z.object({ experienceType: z.string(), amount: u32, attr1: u32 })),
      showEffect,
    }),
  ),
  AWARD_LEVEL: command(z.object({ ...channel, amount: u8 })),
  REQUEST_CHANGE_MESO: command(z.object({ actorId: u32, actorType: z.string(), amount: i32, showEffect })),
  REQUEST_DROP_MESO: command(z.object({ ...channel, mapId: u32, amount: u32 })),
  REQUEST_CHANGE_FAME: command(z.object({ actorId: u32, actorType: z.string(), amount: i8 })),
  REQUEST_DISTRIBUTE_AP: command(
    z.object({ distributions: list(z.object({ ability: z.string(), amount: i8 })) }),
  ),
  // `skilId` (sic): every Atlas producer spells it so.
  REQUEST_DISTRIBUTE_SP: command(z.object({ skilId: u32, amount: i8 })),
  CHANGE_HP: command(z.object({ ...channel, amount: i16 })),
  CHANGE_MP: command(z.object({ ...channel, amount: i16 })),
  SET_HP: command(z.object({ ...channel, amount: u16 })),
  CLAMP_HP: command(z.object({ ...channel, maxValue: u16 })),
  CLAMP_MP: command(z.object({ ...channel, maxValue: u16 })),
  DEDUCT_EXPERIENCE: command(z.object({ ...channel, amount: u32 })),
  RESET_STATS: command(z.object(channel)),
  REBALANCE_AP: command(z.object({ ...channel, targets: rebalanceTargets })),
  // Any string: an unknown ability is answered with ERROR INVALID_TARGET, as HEAD does.
  TRANSFER_AP: command(z.object({ ...channel, from: z.string(), to: z.string() })),
  // Everything is in the envelope; Go reads an absent or null body as the empty struct.
  DELETE_CHARACTER: command(z.looseObject({}).nullish()),
} as const;

export type CommandType = keyof typeof CommandSchemas;
export type Command<T extends CommandType> = z.infer<(typeof CommandSchemas)[T]>;

/** Status events this service acts on (its own, re-consumed as the reference does). */
export const StatusEventSchemas = {
  LEVEL_CHANGED: command(z.object({ ...channel, amount: u8, current: u8 })),
  JOB_CHANGED: command(z.object({ ...channel, jobId: u16 })),
} as const;
