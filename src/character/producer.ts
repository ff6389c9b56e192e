import type { MessageFactory, OutgoingMessage } from '../platform/bus/messages.js';
import type { Delivery } from '../platform/db/inbox.js';
import type { Field } from '../platform/fields.js';
import type { Tenant } from '../platform/tenant.js';
import type { Headers } from '../platform/wire/headers.js';
import type { StatType, StatValues } from './rules/index.js';

/**
 * The messages the character service sends, with bodies built field by field in the reference's declaration
 * order (character.md §6.6-6.8), so that JSON.stringify writes Atlas's exact bytes.
 */
export interface StatusEvent {
  readonly type: string;
  readonly body: object;
}

export interface ExperienceDistribution {
  readonly experienceType: string;
  readonly amount: number;
  readonly attr1: number;
}

/** Go marshals maps with sorted keys; `values` is a map in the reference. */
function sortedValues(values: StatValues): StatValues {
  const out: Record<string, number> = {};
  for (const key of Object.keys(values).sort()) out[key] = values[key as keyof StatValues]!;
  return out;
}

const event = (type: string, body: object): StatusEvent => ({ type, body });

export const Events = {
  /** K12: HEAD atlas-maps seeds the new character's location from `mapId`; the instance is always nil. */
  created: (name: string, mapId: number, instance: string) => event('CREATED', { name, mapId, instance }),
  deleted: () => event('DELETED', {}),
  login: (channelId: number, mapId: number, instance: string) =>
    event('LOGIN', { channelId, mapId, instance }),
  logout: (channelId: number, mapId: number, instance: string) =>
    event('LOGOUT', { channelId, mapId, instance }),
  channelChanged: (channelId: number, oldChannelId: number, mapId: number, instance: string) =>
    event('CHANNEL_CHANGED', { channelId, oldChannelId, mapId, instance }),
  mapChanged: (
    channelId: number,
    old: { mapId: number; instance: string },
    target: { mapId: number; instance: string; portalId: number },
  ) =>
    event('MAP_CHANGED', {
      channelId,
      oldMapId: old.mapId,
      oldInstance: old.instance,
      targetMapId: target.mapId,
      targetInstance: target.instance,
      targetPortalId: target.portalId,
    }),
  jobChanged: (channelId: number, jobId: number) => event('JOB_CHANGED', { channelId, jobId }),
  experienceChanged: (channelId: number, current: number, distributions: readonly ExperienceDistribution[]) =>
    event('EXPERIENCE_CHANGED', {
      channelId,
      current,
      distributions: distributions.map((d) => ({
        experienceType: d.experienceType,
        amount: d.amount,
        attr1: d.attr1,
      })),
    }),
  levelChanged: (channelId: number, amount: number, current: number) =>
    event('LEVEL_CHANGED', { channelId, amount, current }),
  /** K16: `showEffect` is always written (HEAD declares it without omitempty); HEAD atlas-channel shows the
   * meso chat line only when it is true. */
  mesoChanged: (actorId: number, actorType: string, amount: number, showEffect: boolean) =>
    event('MESO_CHANGED', { actorId, actorType, amount, showEffect }),
  fameChanged: (actorId: number, actorType: string, amount: number) =>
    event('FAME_CHANGED', { actorId, actorType, amount }),
  /** `updates: []` answers a refused request so the client's exclusive request is released (B6). */
  statChanged: (channelId: number, updates: readonly StatType[], values: StatValues = {}) =>
    Object.keys(values).length === 0
      ? event('STAT_CHANGED', { channelId, exclRequestSent: true, updates: [...updates] })
      : event('STAT_CHANGED', {
          channelId,
          exclRequestSent: true,
          updates: [...updates],
          values: sortedValues(values),
        }),
  nameChanged: (oldName: string, newName: string) => event('NAME_CHANGED', { oldName, newName }),
  hairChanged: (oldHair: number, newHair: number) => event('HAIR_CHANGED', { oldHair, newHair }),
  faceChanged: (oldFace: number, newFace: number) => event('FACE_CHANGED', { oldFace, newFace }),
  genderChanged: (oldGender: number, newGender: number) => event('GENDER_CHANGED', { oldGender, newGender }),
  skinColorChanged: (oldSkinColor: number, newSkinColor: number) =>
    event('SKIN_COLOR_CHANGED', { oldSkinColor, newSkinColor }),
  gmChanged: (oldGm: boolean, newGm: boolean) => event('GM_CHANGED', { oldGm, newGm }),
  died: (channelId: number, mapId: number) =>
    event('DIED', { channelId, mapId, killerId: 0, killerType: 'UNKNOWN' }),
  /** Flat body, not the nested generic error the reference's docs describe. */
  notEnoughMeso: (amount: number) => event('ERROR', { error: 'NOT_ENOUGH_MESO', amount }),
  /** K15: the same flat body as NOT_ENOUGH_MESO, so HEAD's saga orchestrator reads both alike. */
  mesoOverflow: (amount: number) => event('ERROR', { error: 'MESO_OVERFLOW', amount }),
  /** K15: a refused TRANSFER_AP; `detail` names the ability at fault. */
  apTransferRefused: (error: string, detail: string) => event('ERROR', { error, detail }),
} as const;

/** Go's zero time.Time, the expiration of a skill created without one. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** What every message of one operation shares: the tenant headers, the cause's trace and the transaction. */
export interface Scope {
  readonly tenant: Tenant;
  readonly transactionId: string;
  readonly cause?: Headers;
  /** The consumed message behind the operation, recorded with its effect (platform/db/inbox.ts). */
  readonly delivery?: Delivery;
}

export class Producer {
  constructor(private readonly messages: MessageFactory) {}

  /** A builder of status events for one character, keyed by its id. */
  character(scope: Scope, worldId: number, characterId: number): (event: StatusEvent) => OutgoingMessage {
    return (e) =>
      this.messages.create(
        'EVENT_TOPIC_CHARACTER_STATUS',
        characterId,
        { transactionId: scope.transactionId, worldId, characterId, type: e.type, body: e.body },
        { tenant: scope.tenant, cause: scope.cause },
      );
  }

  /** Decisions B3: a failed creation over the bus is announced with character id 0 and key 0. */
  creationFailed(scope: Scope, worldId: number, name: string, message: string): OutgoingMessage {
    return this.character(scope, worldId, 0)(event('CREATION_FAILED', { name, message }));
  }

  /** The level-up half of an experience award, sent to ourselves as the reference does. */
  awardLevel(scope: Scope, worldId: number, characterId: number, channelId: number, amount: number) {
    return this.command(scope, worldId, characterId, 'AWARD_LEVEL', { channelId, amount });
  }

  /** A character command: the envelope of COMMAND_TOPIC_CHARACTER, keyed by the character. */
  private command(scope: Scope, worldId: number, characterId: number, type: string, body: object) {
    return this.messages.create(
      'COMMAND_TOPIC_CHARACTER',
      characterId,
      { transactionId: scope.transactionId, worldId, characterId, type, body },
      { tenant: scope.tenant, cause: scope.cause },
    );
  }

  /** Drop commands are keyed by map and carry no transaction id (character.md §6.7). */
  drop(scope: Scope, field: Field, type: string, body: object): OutgoingMessage {
    return this.messages.create(
      'COMMAND_TOPIC_DROP',
      field.mapId,
      {
        worldId: field.worldId,
        channelId: field.channelId,
        mapId: field.mapId,
        instance: field.instance,
        type,
        body,
      },
      { tenant: scope.tenant, cause: scope.cause },
    );
  }

  spawnMesoDrop(scope: Scope, field: Field, characterId: number, mesos: number, x: number, y: number) {
    return this.drop(scope, field, 'SPAWN_FROM_CHARACTER', {
      itemId: 0,
      equipmentId: 0,
      quantity: 0,
      mesos,
      dropType: 2,
      x,
      y,
      ownerId: characterId,
      dropperId: characterId,
      dropperX: x,
      dropperY: y,
      playerDrop: true,
    });
  }

  pickUp(scope: Scope, field: Field, dropId: number, characterId: number): OutgoingMessage {
    return this.drop(scope, field, 'REQUEST_PICK_UP', { dropId, characterId });
  }

  cancelReservation(scope: Scope, field: Field, dropId: number, characterId: number): OutgoingMessage {
    return this.drop(scope, field, 'CANCEL_RESERVATION', { dropId, characterId });
  }

  /**
   * In `maps` mode a PATCH of `mapId` becomes a warp request to the location owner (head-contract C5): the
   * reference's CHANGE_MAP command, keyed by the character.
   */
  changeMapCommand(scope: Scope, worldId: number, characterId: number, target: Field, portalId: number) {
    const { channelId, mapId, instance } = target;
    return this.command(scope, worldId, characterId, 'CHANGE_MAP', { channelId, mapId, instance, portalId });
  }

  /**
   * HEAD's CHANNEL_CHANGE_REQUEST (atlas-channel's struct: no type, no body), sent to the presence module of
   * this process when it owns location and the channel server did not ask itself (a reference-era one).
   */
  channelChangeRequest(
    scope: Scope,
    worldId: number,
    characterId: number,
    oldChannelId: number,
    targetChannelId: number,
  ) {
    return this.messages.create(
      'COMMAND_TOPIC_CHARACTER_CHANNEL_CHANGE_REQUEST',
      characterId,
      { transactionId: scope.transactionId, characterId, worldId, oldChannelId, targetChannelId },
      { tenant: scope.tenant, cause: scope.cause },
    );
  }

  /** Skill commands are keyed by character and carry neither transaction nor world (§6.8). */
  skill(
    scope: Scope,
    characterId: number,
    type: 'REQUEST_CREATE' | 'REQUEST_UPDATE',
    skill: { skillId: number; level: number; masterLevel: number; expiration: string },
  ): OutgoingMessage {
    return this.messages.create(
      'COMMAND_TOPIC_SKILL',
      characterId,
      {
        characterId,
        type,
        body: {
          skillId: skill.skillId,
          level: skill.level,
          masterLevel: skill.masterLevel,
          expiration: skill.expiration,
        },
      },
      { tenant: scope.tenant, cause: scope.cause },
    );
  }
}
