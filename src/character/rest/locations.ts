import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/http/errors.js';
import { collection, parseRequestDocument, single } from '../../platform/http/jsonapi.js';
import { deleteLocation, getLocation, listLocations, putLocation } from '../locations/repository.js';
import type { OperationContext } from '../processor/context.js';
import { locationResource, withSparseFields } from './documents.js';
import { LocationAttributes, parseCharacterId, parseLocationType } from './schemas.js';

interface ByType {
  Params: { characterId: string; type: string };
  Querystring: Record<string, unknown>;
}

/** Saved locations (character.md §4): get, upsert (answering the stored row's id, B12), delete. */
export function locationRoutes(app: FastifyInstance, ctx: OperationContext): void {
  const path = '/characters/:characterId/locations/:type';

  // Not in the reference: all of a character's saved locations at once (the console's character page).
  app.get<{ Params: { characterId: string }; Querystring: Record<string, unknown> }>(
    '/characters/:characterId/locations',
    async (request) => {
      const characterId = parseCharacterId(request.params.characterId);
      const locations = await listLocations(ctx.db.pool, request.tenant.id, characterId);
      return withSparseFields(collection(locations.map(locationResource)), request.query);
    },
  );

  app.get<ByType>(path, async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const type = parseLocationType(request.params.type);
    const location = await getLocation(ctx.db.pool, request.tenant.id, characterId, type);
    if (!location) throw notFound(`no saved location ${type} for character ${characterId}`);
    return withSparseFields(single(locationResource(location)), request.query);
  });

  app.put<ByType>(path, async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const type = parseLocationType(request.params.type);
    const { attributes } = parseRequestDocument(request.body, 'saved-locations', LocationAttributes);
    const location = await putLocation(
      ctx.db.pool,
      request.tenant.id,
      characterId,
      type,
      attributes.mapId,
      attributes.portalId,
    );
    if (!location) throw notFound(`character ${characterId} not found`);
    return withSparseFields(single(locationResource(location)), request.query);
  });

  // The reference answers a deletion with 200 and the deleted document; Atlas callers expect that.
  app.delete<ByType>(path, async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const type = parseLocationType(request.params.type);
    const location = await deleteLocation(ctx.db.pool, request.tenant.id, characterId, type);
    if (!location) throw notFound(`no saved location ${type} for character ${characterId}`);
    return withSparseFields(single(locationResource(location)), request.query);
  });
}
