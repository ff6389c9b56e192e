import type { FastifyInstance } from 'fastify';
import { collection, single } from '../../platform/http/jsonapi.js';
import { CHARACTER_PAGES, pageOf, parseListing } from '../../platform/http/pagination.js';
import type { OperationContext } from '../processor/context.js';
import { formatPlaytime, playtimeMs, playtimeSeconds } from '../rules/index.js';
import { sessionsSince } from '../sessions/history.js';
import { playtimeResource, sessionResource, withSparseFields } from './documents.js';
import { parseCharacterId, parseSince } from './schemas.js';

interface ById {
  Params: { characterId: string };
  Querystring: Record<string, unknown>;
}

/**
 * Session history and playtime (character.md §3.4). Like the reference neither route checks that the
 * character exists: an unknown one has no sessions and no playtime.
 */
export function sessionRoutes(app: FastifyInstance, ctx: OperationContext): void {
  app.get<ById>('/characters/:characterId/sessions', async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const since = parseSince(request.query, ctx.clock.now());
    const listing = parseListing(request.url, CHARACTER_PAGES);
    const sessions = await sessionsSince(ctx.db.pool, request.tenant.id, characterId, since);
    const { items, envelope } = pageOf(sessions, listing);
    return withSparseFields(collection(items.map(sessionResource), { envelope }), request.query);
  });

  app.get<ById>('/characters/:characterId/sessions/playtime', async (request) => {
    const characterId = parseCharacterId(request.params.characterId);
    const now = ctx.clock.now();
    const since = parseSince(request.query, now);
    const sessions = await sessionsSince(ctx.db.pool, request.tenant.id, characterId, since);
    // Stints are clipped to [since, now]; an open stint counts up to now.
    const total = playtimeMs(
      sessions.map((s) => ({
        loginMs: s.loginUs / 1000,
        logoutMs: s.logoutUs === null ? null : s.logoutUs / 1000,
      })),
      since,
      now,
    );
    const seconds = playtimeSeconds(total);
    return withSparseFields(
      single(playtimeResource(characterId, seconds, formatPlaytime(seconds))),
      request.query,
    );
  });
}
