import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import { overrideAt, type RouteControls } from '../core/controls.js';
import type { RouteEvaluation } from '../core/evaluate.js';
import type { ScheduledRoute } from '../core/model.js';
import { evaluateSchedule, type RouteSchedule } from '../core/schedule.js';
import type { LoadedTenant, TenantRegistry } from '../tenants/loaded-tenant.js';
import { type ControlBook, partnersOf, scheduleWith } from './control-book.js';
import type { ControlStore } from './controls-store.js';

export class ControlError extends Error {
  constructor(
    readonly reason: 'unknown-route' | 'not-boarding',
    message: string,
  ) {
    super(message);
  }
}

/** A route's controls and the state they give it now, as `GET .../control` shows them. */
export interface ControlView {
  readonly route: ScheduledRoute;
  readonly controls: RouteControls;
  readonly evaluation: RouteEvaluation;
  readonly now: number;
}

/** Who asked, for the audit line every change writes. */
export interface ControlRequest {
  readonly tenantId: string;
  readonly routeId: string;
  readonly remoteAddress: string;
}

export interface TripControlDeps {
  readonly store: ControlStore;
  readonly book: ControlBook;
  readonly tenants: TenantRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * The operators' trip controls (issue 14): each change is stored (under the route's row lock), applied here at
 * once and by the route's owner within a lease tick, and written to the log as one audit line.
 */
export class TripControl {
  constructor(private readonly deps: TripControlDeps) {}

  view(tenantId: string, routeId: string): ControlView {
    const { loaded, route } = this.routeOf(tenantId, routeId);
    const now = this.deps.clock.now();
    return {
      route,
      controls: this.deps.book.controls(tenantId, routeId) ?? {},
      evaluation: evaluateSchedule(loaded.schedules.get(routeId)!, now),
      now,
    };
  }

  /** Idempotent: a route already held keeps its first `heldSince` (the reason is updated). */
  hold(request: ControlRequest, reason: string | null): Promise<ControlView> {
    return this.change(request, 'hold', { reason }, (current, now) => ({
      ...current,
      hold: { since: current.hold?.since ?? now, reason },
    }));
  }

  /**
   * A departure held back leaves now; a hold that held nothing back yet just ends (an earlier release, whose
   * trip may still be under way, stays as it was).
   */
  release(request: ControlRequest): Promise<ControlView> {
    return this.change(request, 'release', {}, (current, now, loaded) => {
      if (!current.hold) return current;
      const { hold, ...rest } = current;
      return this.holdingBack(loaded, request.routeId, current, now)
        ? { ...rest, released: { since: hold.since, at: now } }
        : rest;
    });
  }

  /** Whether the route stands at its dock now because of its hold (its departure is held back). */
  private holdingBack(loaded: LoadedTenant, routeId: string, controls: RouteControls, now: number): boolean {
    const { overlay } = this.scheduleWith(loaded, routeId, controls);
    return (
      controls.hold !== undefined &&
      overlay !== undefined &&
      overrideAt(overlay.overrides, now)?.state === 'locked_entry'
    );
  }

  /**
   * Departs now: only while boarding (open or locked entry). A route whose departure is held back departs as
   * its release would make it.
   */
  force(request: ControlRequest): Promise<ControlView> {
    return this.change(request, 'force-departure', {}, (current, now, loaded) => {
      const schedule = this.scheduleWith(loaded, request.routeId, current);
      const { state } = evaluateSchedule(schedule, now);
      if (state !== 'open_entry' && state !== 'locked_entry') {
        throw new ControlError('not-boarding', `route ${request.routeId} is ${state}, not boarding`);
      }
      if (current.hold && this.holdingBack(loaded, request.routeId, current, now)) {
        const { hold, ...rest } = current;
        return { ...rest, released: { since: hold.since, at: now } };
      }
      return { ...current, forcedAt: now };
    });
  }

  setOutage(
    request: ControlRequest,
    from: number,
    until: number,
    reason: string | null,
  ): Promise<ControlView> {
    return this.change(request, 'out-of-service', { from, until, reason }, (current, now) => ({
      ...current,
      outage: { from, until, reason, setAt: now },
    }));
  }

  cancelOutage(request: ControlRequest): Promise<ControlView> {
    return this.change(request, 'cancel-out-of-service', {}, (current) => {
      const { outage: _, ...rest } = current;
      return rest;
    });
  }

  private routeOf(tenantId: string, routeId: string): { loaded: LoadedTenant; route: ScheduledRoute } {
    const loaded = this.deps.tenants.get(tenantId);
    const route = loaded?.routesById.get(routeId);
    if (!loaded || !route) throw new ControlError('unknown-route', `route ${routeId} not found`);
    return { loaded, route };
  }

  /** The route's schedule with `controls` (as just read under the lock) instead of this replica's copy. */
  private scheduleWith(loaded: LoadedTenant, routeId: string, controls: RouteControls): RouteSchedule {
    const partner = partnersOf(loaded).get(routeId);
    return scheduleWith(
      loaded,
      routeId,
      controls,
      partner && { id: partner.id, controls: this.deps.book.controls(loaded.tenant.id, partner.id) },
    );
  }

  private async change(
    request: ControlRequest,
    action: string,
    details: { from?: number; until?: number; reason?: string | null },
    decide: (current: RouteControls, now: number, loaded: LoadedTenant) => RouteControls,
  ): Promise<ControlView> {
    const { tenantId, routeId } = request;
    const { loaded, route } = this.routeOf(tenantId, routeId);
    const now = this.deps.clock.now();
    const stored = await this.deps.store.change(tenantId, routeId, now, (current) =>
      decide(current, now, loaded),
    );
    this.deps.book.changed(stored);
    this.deps.logger.info(
      {
        audit: 'route-control',
        tenantId,
        routeId,
        route: route.name,
        action,
        period:
          details.from !== undefined
            ? { from: new Date(details.from).toISOString(), until: new Date(details.until!).toISOString() }
            : null,
        reason: details.reason ?? null,
        remoteAddress: request.remoteAddress,
      },
      `route ${route.name}: ${action}`,
    );
    return this.view(tenantId, routeId);
  }
}
