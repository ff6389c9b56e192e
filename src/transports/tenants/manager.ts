import { backoffMs, type Clock, type TimerHandle } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import type { ChannelRegistry } from '../channels.js';
import type { TenantConfiguration } from '../core/model.js';
import { type LoadedTenant, loadTenant, type TenantRegistry } from './loaded-tenant.js';
import type { TenantSource } from './source.js';

export interface TenantManagerDeps {
  readonly source: TenantSource;
  readonly registry: TenantRegistry;
  readonly channels: ChannelRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly track: (work: Promise<unknown>) => void;
  /** Called after a tenant's configuration was swapped in (`previous` undefined for a new tenant). */
  readonly applied: (loaded: LoadedTenant, previous: LoadedTenant | undefined) => void;
}

interface Reload {
  again: boolean;
  done: Promise<void>;
}

/**
 * Loads tenants and their configuration from the source and keeps them current: a reload loads and
 * validates first and swaps only a usable result (decisions C9), reloads of one tenant are coalesced (seeding
 * a tenant sends thirty configuration events), and a periodic refresh picks up new tenants (C11).
 */
export class TenantManager {
  private readonly reloads = new Map<string, Reload>();
  /** Tenants whose last reload could not read their configuration: how many times in a row, and the next try. */
  private readonly retries = new Map<string, { failures: number; timer: TimerHandle | undefined }>();
  private refreshTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly deps: TenantManagerDeps) {}

  /** Start-up: every tenant the source lists. Throws only when the source itself cannot be read. */
  async loadAll(): Promise<LoadedTenant[]> {
    const { configurations, problems } = await this.deps.source.loadAll();
    this.report(problems);
    const loaded = configurations.map((configuration) => this.apply(configuration));
    this.deps.logger.info(
      {
        source: this.deps.source.description,
        tenants: loaded.map((t) => ({
          id: t.tenant.id,
          routes: t.routes.length,
          instanceRoutes: t.instanceRoutes.length,
        })),
      },
      'transport configuration loaded',
    );
    return loaded;
  }

  /** Re-reads one tenant; on any failure the tenant keeps the configuration it had. */
  reload(tenantId: string): Promise<void> {
    const running = this.reloads.get(tenantId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const reload: Reload = { again: true, done: Promise.resolve() };
    this.reloads.set(tenantId, reload);
    reload.done = (async () => {
      try {
        while (reload.again && !this.stopped) {
          reload.again = false;
          await this.reloadOnce(tenantId);
        }
      } finally {
        this.reloads.delete(tenantId);
      }
    })();
    return reload.done;
  }

  /** Looks for tenants the source lists that are not served yet; runs every `refreshMs` when the source has one. */
  async refresh(): Promise<void> {
    const { configurations, problems } = await this.deps.source.loadAll();
    const fresh = configurations.filter((c) => !this.deps.registry.get(c.tenant.id));
    this.report(problems.filter((p) => fresh.some((c) => p.includes(c.tenant.id))));
    for (const configuration of fresh) {
      this.apply(configuration);
      this.deps.logger.info({ tenantId: configuration.tenant.id }, 'new tenant picked up');
    }
  }

  startRefresh(): void {
    const every = this.deps.source.refreshMs;
    if (every === undefined || this.stopped) return;
    this.refreshTimer = this.deps.clock.after(every, () => {
      const work = this.refresh()
        .catch((error) => this.deps.logger.warn({ err: error }, 'tenant refresh failed; trying again later'))
        .finally(() => this.startRefresh());
      this.deps.track(work);
    });
  }

  stop(): void {
    this.stopped = true;
    this.refreshTimer?.cancel();
    for (const retry of this.retries.values()) retry.timer?.cancel();
    this.retries.clear();
  }

  private async reloadOnce(tenantId: string): Promise<void> {
    const { logger } = this.deps;
    try {
      const { configuration, problems } = await this.deps.source.loadOne(tenantId);
      this.report(problems);
      // The source answered: whatever it said, a reload that could not read it is not tried again.
      this.retries.get(tenantId)?.timer?.cancel();
      this.retries.delete(tenantId);
      if (!configuration) {
        logger.warn({ tenantId }, 'reload found no configuration for the tenant; keeping what it had');
        return;
      }
      this.apply(configuration);
      logger.info(
        {
          tenantId,
          routes: configuration.routes.length,
          instanceRoutes: configuration.instanceRoutes.length,
        },
        'transport configuration reloaded',
      );
    } catch (error) {
      logger.error(
        { tenantId, err: error },
        'reload failed; keeping the previous configuration until it works',
      );
      this.reloadLater(tenantId);
    }
  }

  /**
   * A reload whose source could not be read (the tenants service out of reach, a file caught half written) is
   * tried again, 1 s then doubling up to a minute, until one works: the event that asked for it is not sent
   * again, and a replica left on the old configuration would drive its routes on another timetable than the
   * replicas that did reload. A configuration read but refused (invalid) is not retried: it is reported.
   */
  private reloadLater(tenantId: string): void {
    if (this.stopped) return;
    const retry = this.retries.get(tenantId) ?? { failures: 0, timer: undefined };
    this.retries.set(tenantId, retry);
    retry.failures++;
    if (retry.timer) return;
    retry.timer = this.deps.clock.after(backoffMs(retry.failures, 1_000, 60_000), () => {
      retry.timer = undefined;
      this.deps.track(this.reload(tenantId));
    });
  }

  private apply(configuration: TenantConfiguration): LoadedTenant {
    const current = this.deps.registry.get(configuration.tenant.id);
    const loaded = loadTenant(configuration, current, this.deps.clock.now());
    const previous = this.deps.registry.swap(loaded);
    for (const world of loaded.worlds) {
      for (const channelId of world.channels)
        this.deps.channels.register(loaded.tenant.id, { worldId: world.id, channelId });
    }
    this.deps.applied(loaded, previous);
    return loaded;
  }

  private report(problems: readonly string[]): void {
    for (const problem of problems)
      this.deps.logger.warn({ problem }, `configuration entry skipped or suspect: ${problem}`);
  }
}
