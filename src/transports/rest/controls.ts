import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { parseRequestDocument, type Resource, single } from '../../platform/http/jsonapi.js';
import { parseRfc3339 } from '../../platform/rfc3339.js';
import { rfc3339 } from '../core/go-time.js';
import { utcDayStart } from '../core/timetable.js';
import {
  ControlError,
  type ControlRequest,
  type ControlView,
  type TripControl,
} from '../scheduled/trip-control.js';
import { routeIdParam } from './params.js';

const MAX_OUTAGE_MS = 7 * 86_400_000;

const reason = z.string().max(200, 'must be at most 200 characters').nullable().optional();
// Go's reading (every field range-checked): Date.parse would take 30 February for 2 March.
const instant = z
  .string()
  .transform((text) => parseRfc3339(text))
  .refine((ms) => Number.isFinite(ms), 'must be an RFC3339 date-time');

const holdAttributes = z.object({ reason });
const outageAttributes = z.object({ from: instant, until: instant, reason });

const at = (ms: number | undefined) => (ms === undefined ? null : rfc3339(ms));

/** The `route-controls` resource of a route (issue 14). */
export function controlResource(view: ControlView): Resource {
  const { controls, evaluation, now, route } = view;
  const outage = controls.outage && controls.outage.until > now ? controls.outage : undefined;
  const forced = controls.forcedAt;
  return {
    type: 'route-controls',
    id: route.id,
    attributes: {
      held: controls.hold !== undefined,
      heldSince: at(controls.hold?.since),
      holdReason: controls.hold?.reason ?? null,
      outOfService: outage
        ? { from: rfc3339(outage.from), until: rfc3339(outage.until), reason: outage.reason }
        : null,
      // A forced departure still matters today while its trip is under way or it happened today.
      forcedDepartureAt:
        forced !== undefined && (forced >= utcDayStart(now) || forced + route.travelMs > now)
          ? rfc3339(forced)
          : null,
      state: evaluation.state,
      nextState: evaluation.nextState,
      nextTransitionAt: evaluation.nextTransitionAt === null ? '' : rfc3339(evaluation.nextTransitionAt),
    },
  };
}

/** An absent or empty body counts as a document without attributes (a hold needs no reason). */
const emptyBody = (body: unknown) =>
  body === undefined ||
  body === null ||
  body === '' ||
  (typeof body === 'object' && Object.keys(body).length === 0);

function outagePeriod(body: unknown, now: number) {
  const { attributes } = parseRequestDocument(body, 'route-outages', outageAttributes);
  const { from, until } = attributes;
  const pointer = '/data/attributes/until';
  if (until <= from) throw badRequest('data.attributes.until must be later than from', { pointer });
  if (until <= now) throw badRequest('data.attributes.until must be in the future', { pointer });
  if (until - from > MAX_OUTAGE_MS) {
    throw badRequest('data.attributes.until: the period must not be longer than 7 days', { pointer });
  }
  return { from, until, reason: attributes.reason ?? null };
}

/** Trip control under /api/transports/routes/{routeId}/control: the tenant hook of transportRoutes applies. */
export function controlRoutes(app: FastifyInstance, control: TripControl, now: () => number): void {
  const requestOf = (request: FastifyRequest): ControlRequest => ({
    tenantId: request.tenant.id,
    routeId: routeIdParam(request),
    remoteAddress: request.ip,
  });
  const answer = async (work: () => ControlView | Promise<ControlView>) => {
    try {
      return single(controlResource(await work()));
    } catch (error) {
      if (error instanceof ControlError) {
        if (error.reason === 'unknown-route') throw notFound(error.message);
        throw conflict(error.message, { parameter: 'routeId' });
      }
      throw error;
    }
  };
  const path = '/transports/routes/:routeId/control';

  app.get(path, async (request) => {
    const { tenantId, routeId } = requestOf(request);
    return answer(() => control.view(tenantId, routeId));
  });

  app.put(`${path}/hold`, async (request) => {
    const asked = requestOf(request);
    const reasonGiven = emptyBody(request.body)
      ? null
      : (parseRequestDocument(request.body, 'route-holds', holdAttributes).attributes.reason ?? null);
    return answer(() => control.hold(asked, reasonGiven));
  });

  app.delete(`${path}/hold`, async (request) => answer(() => control.release(requestOf(request))));

  app.post(`${path}/departures`, async (request, reply) => {
    const asked = requestOf(request);
    const document = await answer(() => control.force(asked));
    return reply.status(202).send(document);
  });

  app.put(`${path}/out-of-service`, async (request) => {
    const asked = requestOf(request);
    const { from, until, reason: why } = outagePeriod(request.body, now());
    return answer(() => control.setOutage(asked, from, until, why));
  });

  app.delete(`${path}/out-of-service`, async (request) =>
    answer(() => control.cancelOutage(requestOf(request))),
  );
}
