import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { collection, type Resource } from '../../platform/http/jsonapi.js';
import { envelope, parseListing, STANDARD_PAGES } from '../../platform/http/pagination.js';
import { queryValue } from '../../platform/http/query.js';
import { isUuid, normaliseUuid } from '../../platform/tenant.js';
import { rfc3339 } from '../core/go-time.js';
import type { ManifestEntry, ManifestFilter, ManifestStore } from '../manifests/manifests.js';
import { type PassengerDeps, passengersOf } from '../manifests/passengers.js';
import type { TenantRegistry } from '../tenants/loaded-tenant.js';
import { routeIdParam } from './params.js';

export interface ManifestRoutesDeps {
  readonly manifests: ManifestStore;
  readonly passengers: PassengerDeps;
  readonly tenants: TenantRegistry;
  readonly now: () => number;
}

const orNull = (ms: number | null) => (ms === null ? null : rfc3339(ms));

function entryResource(entry: ManifestEntry, now: number): Resource {
  return {
    type: 'manifest-entries',
    id: `${entry.tripId}:${entry.characterId}`,
    attributes: {
      kind: entry.kind,
      routeId: entry.routeId,
      routeName: entry.routeName,
      tripId: entry.tripId,
      characterId: entry.characterId,
      boardedAt: rfc3339(entry.boardedAt),
      // An instance ride leaves when its boarding ends: not departed yet before that.
      departedAt: entry.departedAt !== null && entry.departedAt <= now ? rfc3339(entry.departedAt) : null,
      endedAt: orNull(entry.endedAt),
      outcome: entry.outcome,
      reason: entry.reason,
    },
  };
}

function uuidFilter(query: Record<string, unknown>, name: string): string | undefined {
  const text = queryValue(query, name);
  if (text === undefined) return undefined;
  if (!isUuid(text)) throw badRequest(`${name} must be a UUID`, { parameter: name });
  return normaliseUuid(text);
}

function manifestFilter(query: Record<string, unknown>): ManifestFilter {
  const character = queryValue(query, 'filter[characterId]');
  if (character !== undefined && (!/^\d{1,10}$/.test(character) || Number(character) > 0xffff_ffff)) {
    throw badRequest('filter[characterId] must be a character id (an unsigned 32-bit integer)', {
      parameter: 'filter[characterId]',
    });
  }
  const routeId = uuidFilter(query, 'filter[routeId]');
  const tripId = uuidFilter(query, 'filter[tripId]');
  return {
    ...(routeId !== undefined ? { routeId } : {}),
    ...(tripId !== undefined ? { tripId } : {}),
    ...(character !== undefined ? { characterId: Number(character) } : {}),
  };
}

/** `GET /api/transports/manifests` and `GET /api/transports/routes/{routeId}/passengers` (issue 14 item 3). */
export function manifestRoutes(app: FastifyInstance, deps: ManifestRoutesDeps): void {
  app.get('/transports/manifests', async (request: FastifyRequest) => {
    const query = request.query as Record<string, unknown>;
    const filter = manifestFilter(query);
    const parsed = parseListing(request.url, STANDARD_PAGES);
    // 30 days of rows are too many for one answer: without page parameters, the first page.
    const listing = parsed.page ? parsed : { ...parsed, page: { number: 1, size: STANDARD_PAGES.size } };
    const page = listing.page!;
    const { entries, total } = await deps.manifests.find(request.tenant.id, filter, {
      offset: (page.number - 1) * page.size,
      limit: page.size,
    });
    const now = deps.now();
    return collection(
      entries.map((entry) => entryResource(entry, now)),
      { envelope: envelope(listing, total) },
    );
  });

  app.get('/transports/routes/:routeId/passengers', async (request: FastifyRequest) => {
    const routeId = routeIdParam(request);
    const loaded = deps.tenants.get(request.tenant.id);
    const route = loaded?.routesById.get(routeId);
    if (!loaded || !route) throw notFound(`route ${routeId} not found`);
    const passengers = await passengersOf(
      deps.passengers,
      loaded.tenant,
      route,
      loaded.schedules.get(routeId)!,
      deps.now(),
    );
    return collection(
      passengers.map((passenger) => ({
        type: 'passengers',
        id: String(passenger.characterId),
        attributes: {
          characterId: passenger.characterId,
          mapId: passenger.mapId,
          since: orNull(passenger.since),
        },
      })),
    );
  });
}
