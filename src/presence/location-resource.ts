import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CharacterLocation } from '../platform/fields.js';
import { badRequest, notFound } from '../platform/http/errors.js';
import { parseRequestDocument, single } from '../platform/http/jsonapi.js';
import { tenantScoped } from '../platform/http/scope.js';
import { causeOfRequest } from '../platform/wire/headers.js';
import type { LocationOwner } from './owner.js';

type ById = FastifyRequest<{ Params: { characterId: string } }>;

function characterIdOf(request: ById): number {
  const text = request.params.characterId;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) {
    throw badRequest('characterId must be an integer from 0 to 4294967295', { parameter: 'characterId' });
  }
  return Number(text);
}

/** HEAD atlas-maps' `character-locations` resource: the id is the character's, attributes in Go's order. */
export function locationResource(characterId: number, location: CharacterLocation) {
  return {
    type: 'character-locations',
    id: String(characterId),
    attributes: {
      worldId: location.worldId,
      channelId: location.channelId,
      mapId: location.mapId,
      instance: location.instance,
      state: location.state,
    },
  };
}

// Only mapId is read (HEAD ignores the rest of the document: the warp keeps world and channel).
const PatchAttributes = z.looseObject({
  mapId: z.number({ error: 'must be an integer' }).int().min(0).max(0xffffffff),
});

/**
 * GET and PATCH /characters/{id}/location, as HEAD atlas-maps serves them (head-contract M1, M2). Registered
 * in a plugin scope of its own, so that the tenant hook applies to these routes only.
 */
export function locationRoutes(
  locationOf: (tenantId: string, characterId: number) => Promise<CharacterLocation | undefined>,
  owner: LocationOwner,
) {
  return (app: FastifyInstance): void => {
    app.addHook('preHandler', tenantScoped);
    app.get('/characters/:characterId/location', async (request: ById) => {
      const characterId = characterIdOf(request);
      const location = await locationOf(request.tenant.id, characterId);
      if (!location) throw notFound(`no location for character ${characterId}`);
      return single(locationResource(characterId, location));
    });
    app.patch('/characters/:characterId/location', async (request: ById, reply) => {
      const characterId = characterIdOf(request);
      const { attributes } = parseRequestDocument(request.body, 'character-locations', PatchAttributes);
      const outcome = await owner.warpTo(
        request.tenant,
        characterId,
        attributes.mapId,
        causeOfRequest(request.headers),
      );
      if (outcome === 'no-location') throw notFound(`no location for character ${characterId}`);
      if (outcome === 'unknown-map') {
        throw badRequest(`map ${attributes.mapId} does not exist`, { pointer: '/data/attributes/mapId' });
      }
      return reply.status(204).send();
    });
  };
}
