import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { collection, parseRequestDocument, single } from '../../platform/http/jsonapi.js';
import { CHARACTER_PAGES, envelope, parseListing, window } from '../../platform/http/pagination.js';
import { queryValue } from '../../platform/http/query.js';
import { causeOfRequest } from '../../platform/wire/headers.js';
import { CharacterNotFound, CreationRefused, UpdateRefused } from '../model.js';
import { isNameReserved } from '../pending-changes/names.js';
import type { OperationContext } from '../processor/context.js';
import { createCharacter, deleteOne } from '../processor/lifecycle.js';
import { updateCharacterAttributes } from '../processor/update.js';
import { isValidNameFormat } from '../rules/index.js';
import { type CharacterFilter, countCharacters, listCharacters, nameExists } from '../storage/characters.js';
import { AccountCharactersLoader, CharacterLoader } from '../storage/loader.js';
import { characterResource, withSparseFields } from './documents.js';
import {
  CreateAttributes,
  checkCharacterDocumentId,
  parseCharacterId,
  parseUint,
  UpdateAttributes,
} from './schemas.js';

type Query = Record<string, unknown>;
interface ById {
  Params: { characterId: string };
  Querystring: Query;
}

/**
 * The query keys present choose the filter (decisions B11): every given filter applies, so accountId alone
 * filters by account across worlds, worldId=0 filters world 0, and no filter lists the tenant.
 */
function filterOf(query: Query): CharacterFilter {
  const number = (name: string, max?: number) => {
    const text = queryValue(query, name);
    return text === undefined ? undefined : parseUint(text, name, max);
  };
  return {
    accountId: number('accountId'),
    worldId: number('worldId', 255),
    mapId: number('mapId'),
    name: queryValue(query, 'name'),
  };
}

/**
 * Atlas HEAD's name check (decisions B1, head-contract C6), its response included: `reason` is length, regex
 * or duplicate, with HEAD's `detail` texts, and `reserved` (a name held by a pending name change). `scope` is
 * WORLD (the default) or TENANT; both check the whole tenant here, in any case, because that is what creation
 * enforces (the unique index): HEAD's WORLD scope calls a name taken in another world valid, and its own
 * creation then refuses it.
 */
async function nameValidity(ctx: OperationContext, tenantId: string, name: string) {
  if ([...name].length < 3 || [...name].length > 12) {
    return { valid: false, reason: 'length', detail: 'Name must be 3-12 characters.', reserved: false };
  }
  if (!isValidNameFormat(name)) {
    return { valid: false, reason: 'regex', detail: 'Name contains invalid characters.', reserved: false };
  }
  if (await nameExists(ctx.db.pool, tenantId, name)) {
    return { valid: false, reason: 'duplicate', detail: 'Name already taken.', reserved: false };
  }
  if (await isNameReserved(ctx.db.pool, tenantId, name)) {
    const detail = 'Name is reserved by a pending name change.';
    return { valid: false, reason: 'reserved', detail, reserved: true };
  }
  return { valid: true, reserved: false };
}

const SCOPES = new Set(['WORLD', 'TENANT']);

export function characterRoutes(app: FastifyInstance, ctx: OperationContext): void {
  const live = (tenantId: string, id: number) => ctx.positions.get(tenantId, id);
  const characters = new CharacterLoader(ctx.db.pool);
  const accounts = new AccountCharactersLoader(ctx.db.pool);

  app.get<{ Querystring: Query }>('/characters', async (request) => {
    const { query, tenant } = request;
    const filter = filterOf(query);
    const listing = parseListing(request.url, CHARACTER_PAGES);
    const byAccountOnly =
      filter.accountId !== undefined &&
      filter.worldId === undefined &&
      filter.mapId === undefined &&
      filter.name === undefined &&
      !listing.page;
    // The login server's list (by account, whole): coalesced with the other requests of this turn.
    const rows = byAccountOnly
      ? await accounts.load(tenant.id, filter.accountId!)
      : await listCharacters(ctx.db.pool, tenant.id, filter, window(listing));
    const total = listing.page ? await countCharacters(ctx.db.pool, tenant.id, filter) : rows.length;
    const resources = rows.map((c) => characterResource(c, live(tenant.id, c.id)));
    return withSparseFields(collection(resources, { envelope: envelope(listing, total) }), query);
  });

  app.get<{ Querystring: Query }>('/characters/name-validity', async (request) => {
    const name = queryValue(request.query, 'name');
    if (!name) throw badRequest('name is required', { parameter: 'name' });
    parseUint(queryValue(request.query, 'worldId'), 'worldId', 255);
    const scope = queryValue(request.query, 'scope') ?? 'WORLD';
    if (!SCOPES.has(scope)) throw badRequest('scope must be WORLD or TENANT', { parameter: 'scope' });
    return nameValidity(ctx, request.tenant.id, name);
  });

  app.post<{ Querystring: Query }>('/characters', async (request, reply) => {
    const { id, attributes } = parseRequestDocument(request.body, 'characters', CreateAttributes);
    checkCharacterDocumentId(id);
    try {
      const c = await createCharacter(
        ctx,
        {
          tenant: request.tenant,
          transactionId: randomUUID(),
          cause: causeOfRequest(request.headers),
        },
        attributes,
      );
      reply.status(201);
      return withSparseFields(single(characterResource(c, live(request.tenant.id, c.id))), request.query);
    } catch (error) {
      if (error instanceof CreationRefused) {
        throw badRequest(error.message, { pointer: `/data/attributes/${error.attribute}` });
      }
      throw error;
    }
  });

  app.get<ById>('/characters/:characterId', async (request) => {
    const id = parseCharacterId(request.params.characterId);
    const c = await characters.load(request.tenant.id, id);
    if (!c) throw notFound(`character ${id} not found`);
    return withSparseFields(single(characterResource(c, live(request.tenant.id, id))), request.query);
  });

  app.patch<ById>('/characters/:characterId', async (request, reply) => {
    const characterId = parseCharacterId(request.params.characterId);
    const { id, attributes } = parseRequestDocument(request.body, 'characters', UpdateAttributes);
    checkCharacterDocumentId(id);
    try {
      await updateCharacterAttributes(
        ctx,
        request.tenant,
        characterId,
        attributes,
        causeOfRequest(request.headers),
      );
    } catch (error) {
      if (error instanceof CharacterNotFound) throw notFound(error.message);
      if (error instanceof UpdateRefused) throw badRequest(error.message);
      throw error;
    }
    return reply.status(204).send();
  });

  app.delete<ById>('/characters/:characterId', async (request, reply) => {
    const characterId = parseCharacterId(request.params.characterId);
    try {
      await deleteOne(
        ctx,
        {
          tenant: request.tenant,
          transactionId: randomUUID(),
          cause: causeOfRequest(request.headers),
        },
        characterId,
      );
    } catch (error) {
      if (error instanceof CharacterNotFound) throw notFound(error.message);
      throw error;
    }
    return reply.status(204).send();
  });
}
