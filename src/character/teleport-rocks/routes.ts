import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, conflict, type HttpError, notFound } from '../../platform/http/errors.js';
import { parseRequestDocument, single } from '../../platform/http/jsonapi.js';
import { causeOfRequest } from '../../platform/wire/headers.js';
import { u32 } from '../../platform/wire/numbers.js';
import { CharacterNotFound } from '../model.js';
import { parseCharacterId, parseUint } from '../rest/schemas.js';
import { findCharacter } from '../storage/characters.js';
import {
  parseList,
  REGULAR_CAPACITY,
  type RefusalReason,
  type TeleportRockLists,
  TeleportRockRefused,
  VIP_CAPACITY,
} from './model.js';
import { changeTeleportRock, type ListChange, type TeleportRockContext } from './processor.js';
import { findLists } from './storage.js';

export const TELEPORT_ROCK_PATHS = {
  '/characters/:characterId/teleport-rock-maps': ['GET', 'POST'],
  '/characters/:characterId/teleport-rock-maps/:list/:mapId': ['DELETE'],
} as const;

/**
 * HEAD's document (`AC/teleport_rock/rest.go@HEAD`): id = character id, both lists unpadded and in order. An
 * empty list is written `[]`, where HEAD's nil slice writes `null`; both decode to an empty list.
 */
function document(lists: TeleportRockLists) {
  return single({
    type: 'teleport-rock-maps',
    id: String(lists.characterId),
    attributes: {
      regular: [...lists.regular],
      vip: [...lists.vip],
      regularCapacity: REGULAR_CAPACITY,
      vipCapacity: VIP_CAPACITY,
    },
  });
}

const REFUSAL: Record<RefusalReason, (detail: string) => HttpError> = {
  MAP_NOT_ALLOWED: (d) => badRequest(d, { pointer: '/data/attributes/mapId' }),
  LIST_FULL: (d) => conflict(d),
  DUPLICATE: (d) => conflict(d, { pointer: '/data/attributes/mapId' }),
  NOT_FOUND: (d) => notFound(d),
};

const AddAttributes = z.object({ list: z.string({ error: 'must be "regular" or "vip"' }), mapId: u32 });

interface ById {
  Params: { characterId: string };
}

export function teleportRockRoutes(app: FastifyInstance, trc: TeleportRockContext): void {
  const change = async (request: FastifyRequest, characterId: number, input: ListChange) => {
    const scope = {
      tenant: request.tenant,
      transactionId: randomUUID(),
      cause: causeOfRequest(request.headers),
    };
    try {
      return document(await changeTeleportRock(trc, scope, characterId, input, { announce: false }));
    } catch (error) {
      if (error instanceof TeleportRockRefused) throw REFUSAL[error.reason](error.reason);
      if (error instanceof CharacterNotFound) throw notFound(error.message);
      throw error;
    }
  };

  app.get<ById>('/characters/:characterId/teleport-rock-maps', async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const { tenant } = request;
    if (!(await findCharacter(trc.ctx.db.pool, tenant.id, characterId))) {
      throw notFound(new CharacterNotFound(characterId).message);
    }
    return document(await findLists(trc.ctx.db.pool, tenant.id, characterId));
  });

  app.post<ById>('/characters/:characterId/teleport-rock-maps', async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const { attributes } = parseRequestDocument(request.body, 'teleport-rock-maps', AddAttributes);
    const vip = parseList(attributes.list);
    if (vip === undefined) {
      throw badRequest('list must be "regular" or "vip"', { pointer: '/data/attributes/list' });
    }
    return change(request, characterId, { kind: 'add', vip, mapId: attributes.mapId });
  });

  app.delete<{ Params: { characterId: string; list: string; mapId: string } }>(
    '/characters/:characterId/teleport-rock-maps/:list/:mapId',
    async (request) => {
      const characterId = parseCharacterId(request.params.characterId);
      const vip = parseList(request.params.list);
      if (vip === undefined) throw badRequest('list must be "regular" or "vip"', { parameter: 'list' });
      const mapId = parseUint(request.params.mapId, 'mapId');
      return change(request, characterId, { kind: 'remove', vip, mapId });
    },
  );
}
