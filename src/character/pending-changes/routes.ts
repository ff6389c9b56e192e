import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, HttpError, notFound } from '../../platform/http/errors.js';
import { collection, parseRequestDocument, single } from '../../platform/http/jsonapi.js';
import { queryValue } from '../../platform/http/query.js';
import { NIL_UUID } from '../../platform/tenant.js';
import { causeOfRequest } from '../../platform/wire/headers.js';
import { u8, u32, uuid } from '../../platform/wire/numbers.js';
import { CharacterNotFound } from '../model.js';
import { parseCharacterId, parseUint } from '../rest/schemas.js';
import { findCharacter } from '../storage/characters.js';
import { transferIneligibility } from './eligibility.js';
import {
  Ineligible,
  isChangeType,
  type PendingChange,
  PendingChangeNotFound,
  PendingConflict,
} from './model.js';
import {
  cancelForType,
  createPendingChange,
  listForCharacter,
  type Origin,
  type PendingChangeContext,
  resolvePendingChange,
} from './processor.js';
import { goTime } from './saga.js';
import { changeWorld } from './world-change.js';

export const PENDING_CHANGE_PATHS = {
  '/characters/:characterId/pending-changes': ['GET', 'POST'],
  '/characters/:characterId/pending-changes/cancel': ['POST'],
  '/characters/:characterId/pending-changes/:id': ['DELETE'],
  '/characters/:characterId/pending-changes/:id/resolve': ['POST'],
  '/characters/:characterId/transfer-eligibility': ['GET'],
  '/characters/:characterId/transfer-eligibility-independent': ['GET'],
  '/characters/:characterId/world-change': ['POST'],
} as const;

/** HEAD's `pending-changes` resource: `requestedName`, `reason` and `resolvedAt` omitted when empty. */
function resource(c: PendingChange) {
  const attributes: Record<string, unknown> = { characterId: c.characterId, type: c.type, status: c.status };
  if (c.requestedName !== '') attributes.requestedName = c.requestedName;
  attributes.destinationWorldId = c.destinationWorldId;
  attributes.sourceWorldId = c.sourceWorldId;
  if (c.reason !== '') attributes.reason = c.reason;
  attributes.createdAt = goTime(c.createdAt);
  attributes.expiresAt = goTime(c.expiresAt);
  if (c.resolvedAt !== undefined) attributes.resolvedAt = goTime(c.resolvedAt);
  return { type: 'pending-changes', id: c.id, attributes };
}

function eligibility(characterId: number, reason: string | undefined) {
  const attributes: Record<string, unknown> = { eligible: reason === undefined };
  if (reason !== undefined) attributes.reason = reason;
  return single({ type: 'transfer-eligibilities', id: String(characterId), attributes });
}

/** HEAD puts the reason of a 404, 409 or 422 in `detail`; here the refused attribute is named too. */
function toHttp(error: unknown): unknown {
  if (error instanceof Ineligible) {
    const source = error.field ? { pointer: `/data/attributes/${error.field}` } : undefined;
    return new HttpError(422, 'Unprocessable Entity', error.reason, source);
  }
  if (error instanceof PendingConflict) return new HttpError(409, 'Conflict', error.reason || undefined);
  if (error instanceof PendingChangeNotFound || error instanceof CharacterNotFound)
    return notFound(error.message);
  return error;
}

const CreateAttributes = z.object({
  type: z.string({ error: 'must be NAME_CHANGE or WORLD_TRANSFER' }),
  requestedName: z.string({ error: 'must be a string' }).optional().default(''),
  destinationWorldId: u8.optional().default(0),
  assetId: u32.nullish().transform((v) => v ?? undefined),
});
const ResolveAttributes = z.object({
  status: z.string({ error: 'must be APPLIED or REJECTED' }),
  reason: z.string({ error: 'must be a string' }).optional().default(''),
});
const CancelAttributes = z.object({ type: z.string({ error: 'must be NAME_CHANGE or WORLD_TRANSFER' }) });
const WorldChangeAttributes = z.object({ newWorldId: u8, transactionId: uuid.optional() });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function parseId(text: string): string {
  if (!UUID.test(text)) throw badRequest('id must be a UUID', { parameter: 'id' });
  return text.toLowerCase();
}

type Params = { characterId: string; id: string };
const origin = (request: FastifyRequest): Origin => ({
  tenant: request.tenant,
  cause: causeOfRequest(request.headers),
});

export function pendingChangeRoutes(app: FastifyInstance, pcc: PendingChangeContext): void {
  const base = '/characters/:characterId/pending-changes';
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toHttp(error);
    }
  };
  const noContent = (reply: FastifyReply) => reply.code(204).send();

  app.get<{ Params: Params }>(base, async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const changes = await guard(() => listForCharacter(pcc, request.tenant.id, characterId));
    return collection(changes.map(resource));
  });

  app.post<{ Params: Params }>(base, async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const { attributes } = parseRequestDocument(request.body, 'pending-changes', CreateAttributes);
    const change = await guard(() => createPendingChange(pcc, origin(request), characterId, attributes));
    return single(resource(change));
  });

  app.post<{ Params: Params }>(`${base}/cancel`, async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const { attributes } = parseRequestDocument(request.body, 'pending-changes', CancelAttributes);
    const type = attributes.type;
    if (!isChangeType(type)) {
      throw badRequest('type must be NAME_CHANGE or WORLD_TRANSFER', { pointer: '/data/attributes/type' });
    }
    return single(resource(await guard(() => cancelForType(pcc, origin(request), characterId, type))));
  });

  app.delete<{ Params: Params }>(`${base}/:id`, async (request, reply) => {
    const characterId = parseCharacterId(request.params.characterId);
    const id = parseId(request.params.id);
    await guard(() =>
      resolvePendingChange(pcc, origin(request), characterId, id, 'CANCELLED', 'operator_cancelled'),
    );
    return noContent(reply);
  });

  app.post<{ Params: Params }>(`${base}/:id/resolve`, async (request, reply) => {
    const characterId = parseCharacterId(request.params.characterId);
    const id = parseId(request.params.id);
    const { attributes } = parseRequestDocument(request.body, 'pending-changes', ResolveAttributes);
    const { status, reason } = attributes;
    if (status !== 'APPLIED' && status !== 'REJECTED') {
      throw badRequest('status must be APPLIED or REJECTED', { pointer: '/data/attributes/status' });
    }
    await guard(() => resolvePendingChange(pcc, origin(request), characterId, id, status, reason));
    return noContent(reply);
  });

  const eligibilityOf = async (request: FastifyRequest<{ Params: Params }>, destination?: number) => {
    const characterId = parseCharacterId(request.params.characterId);
    const { ctx, gates } = pcc;
    const c = await findCharacter(ctx.db.pool, request.tenant.id, characterId);
    if (!c) throw notFound(new CharacterNotFound(characterId).message);
    return eligibility(
      characterId,
      await transferIneligibility(ctx.db.pool, gates, ctx.logger, request.tenant, c, destination),
    );
  };

  app.get<{ Params: Params; Querystring: Record<string, unknown> }>(
    '/characters/:characterId/transfer-eligibility',
    async (request) => {
      const text = queryValue(request.query, 'destinationWorldId');
      return eligibilityOf(request, parseUint(text, 'destinationWorldId', 255));
    },
  );

  app.get<{ Params: Params }>('/characters/:characterId/transfer-eligibility-independent', (request) =>
    eligibilityOf(request),
  );

  app.post<{ Params: Params }>('/characters/:characterId/world-change', async (request, reply) => {
    const characterId = parseCharacterId(request.params.characterId);
    const { attributes } = parseRequestDocument(request.body, 'characters', WorldChangeAttributes);
    const { newWorldId, transactionId } = attributes;
    const { tenant, cause } = origin(request);
    await guard(() =>
      // HEAD: an absent or nil transaction id gets a fresh one.
      changeWorld(
        pcc.ctx,
        tenant,
        cause,
        characterId,
        newWorldId,
        transactionId && transactionId !== NIL_UUID ? transactionId : randomUUID(),
      ),
    );
    return noContent(reply);
  });
}
