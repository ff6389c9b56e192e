import { backoffMs, type Clock, type TimerHandle } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import { controlOverlay, type RouteControls } from '../core/controls.js';
import type { ScheduledRoute } from '../core/model.js';
import type { RouteSchedule } from '../core/schedule.js';
import type { LoadedTenant, TenantRegistry } from '../tenants/loaded-tenant.js';
import { type ControlStore, columnsOf, type StoredControls } from './controls-store.js';

/** What the book needs of the runner: re-walk a route whose overlay changed. */
export interface ControlListener {
  /** Returns the departure instant when the route had already departed a trip the change would have held. */
  controlsChanged(loaded: LoadedTenant, routeId: string, at: number): number | undefined;
}

/**
 * This replica's copy of the trip controls (the table is the truth) and the one place that lays them over the
 * tenants' schedules: a tenant in the registry always carries its routes' overlays, so REST, the runner and the
 * voyage ids read one and the same state. A change (made here, or seen in the table at a lease tick) swaps the
 * tenant in with new overlays and has the runner re-walk the routes it touches (the route, and for a vessel's
 * leg the other leg, whose hull it shares).
 */
export class ControlBook {
  private readonly byTenant = new Map<string, Map<string, StoredControls>>();
  /** Tenants whose controls could not be read, and when they are read again. */
  private readonly retries = new Map<string, TimerHandle>();
  private stopped = false;

  /** `clock` times the new reads after a failed one (without it, the next change reads them). */
  constructor(
    private readonly store: ControlStore,
    private readonly tenants: TenantRegistry,
    private readonly listener: ControlListener,
    private readonly logger: Logger,
    private readonly track: (work: Promise<unknown>) => void = () => undefined,
    private readonly clock?: Clock,
  ) {}

  /** No more reads are retried (the service is stopping). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.retries.values()) timer.cancel();
    this.retries.clear();
  }

  async loadAll(): Promise<void> {
    for (const stored of await this.store.read()) this.remember(stored);
  }

  controls(tenantId: string, routeId: string): RouteControls | undefined {
    return this.byTenant.get(tenantId)?.get(routeId)?.controls;
  }

  /**
   * `loaded` with every route's schedule overlaid with its controls (and its vessel partner's); with `only`,
   * just those routes are laid again (a change touches a route and its partner, not the tenant's others).
   */
  overlay(loaded: LoadedTenant, only?: ReadonlySet<string>): LoadedTenant {
    const stored = this.byTenant.get(loaded.tenant.id);
    const partners = partnersOf(loaded);
    const schedules = new Map<string, RouteSchedule>();
    let touched = false;
    for (const route of loaded.routes) {
      const current = loaded.schedules.get(route.id)!;
      if (only && !only.has(route.id)) {
        schedules.set(route.id, current);
        continue;
      }
      const partner = partners.get(route.id);
      const schedule = scheduleWith(
        loaded,
        route.id,
        stored?.get(route.id)?.controls,
        partner && { id: partner.id, controls: stored?.get(partner.id)?.controls },
      );
      if (schedule.overlay || current.overlay) touched = true;
      schedules.set(route.id, schedule);
    }
    return touched ? { ...loaded, schedules } : loaded;
  }

  /** A change this replica made (already stored). */
  changed(stored: StoredControls): void {
    this.remember(stored);
    this.reapply(stored);
  }

  /**
   * At a lease tick that saw the tenant's controls move: re-read them and apply what differs. A read that fails
   * is tried again (1 s, doubling up to 30 s) until one succeeds: the tick that saw the change will not see it
   * again, and a replica left with stale controls would drive its routes on another schedule than the others
   * (a held boat departing, or one taken over replayed on a timetable its last owner did not follow).
   */
  async refresh(tenantId: string, attempt = 1): Promise<void> {
    let rows: StoredControls[];
    try {
      rows = await this.store.read(tenantId);
    } catch (error) {
      this.logger.warn({ err: error, tenantId, attempt }, 'route controls could not be read; trying again');
      this.readAgain(tenantId, attempt);
      return;
    }
    this.retries.get(tenantId)?.cancel();
    this.retries.delete(tenantId);
    for (const stored of rows) {
      const known = this.byTenant.get(tenantId)?.get(stored.routeId);
      if (known && keyOf(known) === keyOf(stored)) continue;
      this.changed(stored);
    }
  }

  private readAgain(tenantId: string, attempt: number): void {
    if (!this.clock || this.stopped || this.retries.has(tenantId)) return;
    this.retries.set(
      tenantId,
      this.clock.after(backoffMs(attempt, 1_000, 30_000), () => {
        this.retries.delete(tenantId);
        this.track(this.refresh(tenantId, attempt + 1));
      }),
    );
  }

  private remember(stored: StoredControls): void {
    let routes = this.byTenant.get(stored.tenantId);
    if (!routes) {
      routes = new Map();
      this.byTenant.set(stored.tenantId, routes);
    }
    routes.set(stored.routeId, stored);
  }

  private reapply(stored: StoredControls): void {
    const current = this.tenants.get(stored.tenantId);
    if (!current) return;
    const partner = partnersOf(current).get(stored.routeId);
    const shown = this.overlay(current, new Set(partner ? [stored.routeId, partner.id] : [stored.routeId]));
    this.tenants.swap(shown);
    for (const routeId of partner ? [stored.routeId, partner.id] : [stored.routeId]) {
      const late = this.listener.controlsChanged(shown, routeId, stored.changedAt);
      if (late !== undefined && routeId === stored.routeId) this.catchUp(stored.tenantId, routeId, late);
    }
  }

  /**
   * This replica drives the route and departed a trip before it learned of a hold or an outage that another
   * replica took a moment earlier (within a lease tick): the departure stands, and the control is moved on to
   * count from it (the hold then holds the next departure). The change is stored, so every replica agrees.
   */
  private catchUp(tenantId: string, routeId: string, departedAt: number): void {
    this.logger.warn(
      { tenantId, routeId, departedAt: new Date(departedAt).toISOString() },
      'route control came after a departure it would have stopped; it applies from that departure on',
    );
    const moved = this.store
      .change(tenantId, routeId, departedAt, (current) => {
        const next = {
          ...current,
          ...(current.hold && current.hold.since < departedAt
            ? { hold: { ...current.hold, since: departedAt } }
            : {}),
          ...(current.released && current.released.since < departedAt
            ? { released: { ...current.released, since: departedAt } }
            : {}),
          ...(current.outage && current.outage.setAt < departedAt
            ? { outage: { ...current.outage, setAt: departedAt } }
            : {}),
        };
        // Nothing to move on (the overlay disagrees for another reason): no write, so no loop of re-applies.
        if (JSON.stringify(columnsOf(next)) === JSON.stringify(columnsOf(current))) throw new NothingToMove();
        return next;
      })
      .then(
        (stored) => this.changed(stored),
        (error) => {
          if (!(error instanceof NothingToMove)) throw error;
          this.logger.error(
            { tenantId, routeId },
            'route control disagrees with the voyage under way; left as is',
          );
        },
      );
    this.track(
      moved.catch((error) =>
        this.logger.error({ err: error, tenantId, routeId }, 'route control not moved on'),
      ),
    );
  }
}

class NothingToMove extends Error {}

/** Stored controls as compared across a lease tick: the row's columns, whatever order the object was built in. */
const keyOf = (stored: StoredControls) => JSON.stringify([...columnsOf(stored.controls), stored.changedAt]);

/**
 * The route's schedule of `loaded` without its overlay, laid again with `controls` and, for a vessel's leg,
 * its `partner` leg's controls (one hull). The only place a route's overlay is laid.
 */
export function scheduleWith(
  loaded: LoadedTenant,
  routeId: string,
  controls: RouteControls | undefined,
  partner: { readonly id: string; readonly controls: RouteControls | undefined } | undefined,
): RouteSchedule {
  const { overlay: _, ...base } = loaded.schedules.get(routeId)!;
  const overlay = controlOverlay(
    { timetable: base.timetable, controls },
    partner && { timetable: loaded.schedules.get(partner.id)!.timetable, controls: partner.controls },
  );
  return overlay ? { ...base, overlay } : base;
}

/** Each vessel leg's other leg (legs paired by name, as the timetable pairs them). */
export function partnersOf(loaded: LoadedTenant): Map<string, ScheduledRoute> {
  const byName = new Map(loaded.routes.map((route) => [route.name, route]));
  const partners = new Map<string, ScheduledRoute>();
  for (const vessel of loaded.vessels) {
    const a = byName.get(vessel.routeAName);
    const b = byName.get(vessel.routeBName);
    if (!a || !b || a === b) continue;
    partners.set(a.id, b);
    partners.set(b.id, a);
  }
  return partners;
}
