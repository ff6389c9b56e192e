import type { Subscription } from '../../platform/bus/bus.js';
import type { MessageContext } from '../../platform/bus/consumer.js';
import { NIL_INSTANCE } from '../model.js';
import { rebalanceCharacterAp, transferCharacterAp } from '../processor/ap-reset.js';
import { changeLook } from '../processor/appearance.js';
import type { OperationContext } from '../processor/context.js';
import {
  awardCharacterExperience,
  awardCharacterLevel,
  deductCharacterExperience,
} from '../processor/experience.js';
import { createCharacterOrAnnounce, deleteIdempotently } from '../processor/lifecycle.js';
import { changeMap } from '../processor/map.js';
import { requestChangeMeso, requestDropMeso } from '../processor/meso.js';
import {
  requestChangeFame,
  requestDistributeAp,
  requestDistributeSp,
  resetCharacterStats,
} from '../processor/points.js';
import { changeJob } from '../processor/progression.js';
import { changeCharacterMp, clampVital, updateHp } from '../processor/vitals.js';
import type { Scope } from '../producer.js';
import { type ConsumerDeps, subscriptionOf } from './deps.js';
import { consumeByType, type TypedHandler, typed } from './dispatch.js';
import { CommandSchemas as S } from './schemas.js';

interface Envelope {
  readonly transactionId: string;
  readonly worldId: number;
}

const scopeOf = (m: Envelope, context: MessageContext): Scope => ({
  tenant: context.tenant,
  transactionId: m.transactionId,
  cause: context.headers,
  delivery: context.delivery,
});

const channelOf = (m: Envelope & { readonly body: { readonly channelId: number } }) => ({
  worldId: m.worldId,
  channelId: m.body.channelId,
});

/**
 * The twenty-three command types of COMMAND_TOPIC_CHARACTER (the reference's twenty and Atlas HEAD's
 * REBALANCE_AP, TRANSFER_AP and DELETE_CHARACTER), each parsed by its schema and run as one operation.
 */
function handlers(ctx: OperationContext): Map<string, TypedHandler> {
  return new Map<string, TypedHandler>([
    [
      'CREATE_CHARACTER',
      // The body's world decides; the envelope's world and character id are not meaningful for a creation.
      typed(S.CREATE_CHARACTER, (m, c) => createCharacterOrAnnounce(ctx, scopeOf(m, c), m.body)),
    ],
    [
      'CHANGE_MAP',
      typed(S.CHANGE_MAP, (m, c) =>
        changeMap(
          ctx,
          scopeOf(m, c),
          m.characterId,
          { ...channelOf(m), mapId: m.body.mapId, instance: m.body.instance },
          m.body.portalId,
        ),
      ),
    ],
    [
      'CHANGE_JOB',
      typed(S.CHANGE_JOB, (m, c) => changeJob(ctx, scopeOf(m, c), m.characterId, channelOf(m), m.body.jobId)),
    ],
    [
      'CHANGE_HAIR',
      typed(S.CHANGE_HAIR, (m, c) =>
        changeLook(ctx, scopeOf(m, c), m.characterId, channelOf(m), 'hair', m.body.styleId),
      ),
    ],
    [
      'CHANGE_FACE',
      typed(S.CHANGE_FACE, (m, c) =>
        changeLook(ctx, scopeOf(m, c), m.characterId, channelOf(m), 'face', m.body.styleId),
      ),
    ],
    [
      'CHANGE_SKIN',
      typed(S.CHANGE_SKIN, (m, c) =>
        changeLook(ctx, scopeOf(m, c), m.characterId, channelOf(m), 'skin', m.body.styleId),
      ),
    ],
    [
      'AWARD_EXPERIENCE',
      typed(S.AWARD_EXPERIENCE, (m, c) =>
        awardCharacterExperience(
          ctx,
          scopeOf(m, c),
          m.characterId,
          channelOf(m),
          m.body.distributions,
          m.body.showEffect,
        ),
      ),
    ],
    [
      'AWARD_LEVEL',
      typed(S.AWARD_LEVEL, (m, c) =>
        awardCharacterLevel(ctx, scopeOf(m, c), m.characterId, channelOf(m), m.body.amount),
      ),
    ],
    [
      'REQUEST_CHANGE_MESO',
      typed(S.REQUEST_CHANGE_MESO, (m, c) =>
        requestChangeMeso(ctx, scopeOf(m, c), m.characterId, m.body, m.body.amount),
      ),
    ],
    [
      'REQUEST_DROP_MESO',
      typed(S.REQUEST_DROP_MESO, (m, c) =>
        requestDropMeso(
          ctx,
          scopeOf(m, c),
          m.characterId,
          { ...channelOf(m), mapId: m.body.mapId, instance: NIL_INSTANCE },
          m.body.amount,
        ),
      ),
    ],
    [
      'REQUEST_CHANGE_FAME',
      typed(S.REQUEST_CHANGE_FAME, (m, c) =>
        requestChangeFame(ctx, scopeOf(m, c), m.characterId, m.body.actorId, m.body.actorType, m.body.amount),
      ),
    ],
    [
      'REQUEST_DISTRIBUTE_AP',
      typed(S.REQUEST_DISTRIBUTE_AP, (m, c) =>
        requestDistributeAp(ctx, scopeOf(m, c), m.characterId, m.body.distributions),
      ),
    ],
    [
      'REQUEST_DISTRIBUTE_SP',
      typed(S.REQUEST_DISTRIBUTE_SP, (m, c) =>
        requestDistributeSp(ctx, scopeOf(m, c), m.characterId, m.body.skilId, m.body.amount),
      ),
    ],
    [
      'CHANGE_HP',
      typed(S.CHANGE_HP, (m, c) =>
        updateHp(ctx, scopeOf(m, c), m.characterId, channelOf(m), { kind: 'change', amount: m.body.amount }),
      ),
    ],
    [
      'SET_HP',
      typed(S.SET_HP, (m, c) =>
        updateHp(ctx, scopeOf(m, c), m.characterId, channelOf(m), { kind: 'set', value: m.body.amount }),
      ),
    ],
    [
      'CHANGE_MP',
      typed(S.CHANGE_MP, (m, c) =>
        changeCharacterMp(ctx, scopeOf(m, c), m.characterId, channelOf(m), m.body.amount),
      ),
    ],
    [
      'CLAMP_HP',
      typed(S.CLAMP_HP, (m, c) =>
        clampVital(ctx, scopeOf(m, c), m.characterId, channelOf(m), 'hp', m.body.maxValue),
      ),
    ],
    [
      'CLAMP_MP',
      typed(S.CLAMP_MP, (m, c) =>
        clampVital(ctx, scopeOf(m, c), m.characterId, channelOf(m), 'mp', m.body.maxValue),
      ),
    ],
    [
      'DEDUCT_EXPERIENCE',
      typed(S.DEDUCT_EXPERIENCE, (m, c) =>
        deductCharacterExperience(ctx, scopeOf(m, c), m.characterId, channelOf(m), m.body.amount),
      ),
    ],
    [
      'RESET_STATS',
      typed(S.RESET_STATS, (m, c) => resetCharacterStats(ctx, scopeOf(m, c), m.characterId, channelOf(m))),
    ],
    [
      'REBALANCE_AP',
      typed(S.REBALANCE_AP, (m, c) =>
        rebalanceCharacterAp(ctx, scopeOf(m, c), m.characterId, channelOf(m), m.body.targets),
      ),
    ],
    [
      'TRANSFER_AP',
      typed(S.TRANSFER_AP, (m, c) =>
        transferCharacterAp(ctx, scopeOf(m, c), m.characterId, channelOf(m), m.body),
      ),
    ],
    [
      'DELETE_CHARACTER',
      typed(S.DELETE_CHARACTER, (m, c) => deleteIdempotently(ctx, scopeOf(m, c), m.characterId)),
    ],
  ]);
}

export function consumeCommands(deps: ConsumerDeps): Promise<Subscription> {
  const all = handlers(deps.ctx);
  // K1: in `maps` mode the location owner (atlas-maps, or presence) takes CHANGE_MAP off this topic and
  // announces the warp; handling it here too would announce every warp twice.
  if (deps.ctx.locations.owner === 'maps') all.delete('CHANGE_MAP');
  return consumeByType({
    ...subscriptionOf(deps),
    topic: deps.messages.topic('COMMAND_TOPIC_CHARACTER'),
    handlers: all,
  });
}
