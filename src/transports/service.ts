import type { Subscription } from '../platform/bus/bus.js';
import type { TimerHandle } from '../platform/clock.js';
import type { FieldDirectory } from '../platform/fields.js';
import type { RunningService, ServiceContext, ServiceModule } from '../platform/service.js';
import { ChannelRegistry } from './channels.js';
import { consumeChannelStatus } from './consumers/channel-status.js';
import { consumeCharacterStatus } from './consumers/character-status.js';
import { consumeConfigurationStatus } from './consumers/configuration-status.js';
import { consumeInstanceCommands } from './consumers/instance-command.js';
import { consumeMapStatus } from './consumers/map-status.js';
import { InstanceTransports } from './instances/processor.js';
import { RideStore } from './instances/rides.js';
import { RIDES_ARRIVAL_MIGRATION, RIDES_MIGRATION } from './instances/rides-schema.js';
import { AtlasMapsDirectory } from './lookups/maps.js';
import { AtlasDataPortals, NO_PORTAL_DATA } from './lookups/portals.js';
import { MANIFESTS_MIGRATION, ManifestStore } from './manifests/manifests.js';
import { registerRideGauges, transportMetrics } from './metrics.js';
import { TransportMessages } from './producer.js';
import { transportRoutes } from './rest/routes.js';
import { ControlBook } from './scheduled/control-book.js';
import { CONTROLS_MIGRATION, ControlStore } from './scheduled/controls-store.js';
import { FLEET_MIGRATION, Fleet } from './scheduled/fleet.js';
import { logoutWarp } from './scheduled/logout.js';
import { ScheduledRunner } from './scheduled/runner.js';
import { lastSteps, pruneSteps, stepTopic } from './scheduled/steps.js';
import { TripControl } from './scheduled/trip-control.js';
import { VOYAGES_MIGRATION, VoyageLog } from './scheduled/voyages.js';
import type { WarpDeps } from './scheduled/warps.js';
import { TenantRegistry } from './tenants/loaded-tenant.js';
import { TenantManager } from './tenants/manager.js';
import type { TenantSource } from './tenants/source.js';
import { FileTenantSource } from './tenants/source-file.js';
import { ServiceTenantSource } from './tenants/source-service.js';

/** How often the tenants service is asked for tenants that appeared since the last look (decisions C11). */
const TENANT_REFRESH_MS = 60_000;

/** How often old route steps are pruned from the inbox. */
const PRUNE_STEPS_MS = 600_000;

function tenantSource(context: ServiceContext): TenantSource {
  const url = context.config.serviceUrls.tenants;
  return url
    ? new ServiceTenantSource(context.client, url, TENANT_REFRESH_MS)
    : new FileTenantSource(context.config.configFile);
}

function fieldDirectory(context: ServiceContext): FieldDirectory {
  const url = context.config.serviceUrls.maps;
  return url ? new AtlasMapsDirectory(context.client, url) : context.fields;
}

/**
 * The transports domain: scheduled routes on their timetable, instance transports on demand, their REST
 * surface and their consumers. Routes are in memory and rebuilt from configuration at start-up; what must
 * outlive a restart and be shared by replicas is in tables: which voyages were announced
 * (transport_voyages), the instance rides (transport_rides and its companions), the replicas' leases, channels
 * and reloads (transport_replicas, transport_channels, transport_reloads) and each route's last step (inbox).
 * See docs/replicas.md.
 */
export const transportsService: ServiceModule = {
  name: 'transports',
  // Every message leaves through the outbox (and consumed ones are recorded in the inbox): a broker outage
  // delays a departure's warps, never drops them. Its tables record which voyages were announced, the rides,
  // and what the replicas share (leases, channels, reloads).
  migrations: [
    VOYAGES_MIGRATION,
    RIDES_MIGRATION,
    FLEET_MIGRATION,
    RIDES_ARRIVAL_MIGRATION,
    CONTROLS_MIGRATION,
    MANIFESTS_MIGRATION,
  ],
  async start(context: ServiceContext): Promise<RunningService> {
    const { clock, logger, tasks, outbox, db } = context;
    if (!outbox || !db) throw new Error('the transports service needs its database and outbox');
    const metrics = transportMetrics(context.metrics);
    const messages = new TransportMessages(context.messages);
    const publish = outbox.send;
    const track = (work: Promise<unknown>) => {
      tasks.track(work).catch(() => undefined);
    };
    const channels = new ChannelRegistry();
    const tenants = new TenantRegistry();
    const rides = new RideStore(db);
    const dataUrl = context.config.serviceUrls.data;
    const warps: WarpDeps = {
      directory: fieldDirectory(context),
      portals: dataUrl ? new AtlasDataPortals(context.client, dataUrl) : NO_PORTAL_DATA,
      random: context.random,
      logger,
      metrics,
    };
    const voyages = new VoyageLog(db, outbox);
    // Replicas on one database share the routes (decisions E5); alone, this one owns them all.
    const fleet = new Fleet(db, context.leaseClock, logger, undefined, track);
    const runner = new ScheduledRunner({
      clock,
      logger,
      metrics,
      channels,
      warps,
      messages,
      publish,
      voyages,
      track,
      ownership: {
        owns: (tenantId, routeId) => fleet.owns(stepTopic(tenantId, routeId)),
        lastSteps: (topics) => lastSteps(db, topics),
      },
    });
    const rebalance = () => track(runner.rebalance());
    // Trip controls (issue 14): every tenant in the registry carries its routes' controls as overlays.
    const controlStore = new ControlStore(db);
    const book = new ControlBook(controlStore, tenants, runner, logger, track, clock);
    await book.loadAll();
    const control = new TripControl({ store: controlStore, book, tenants, clock, logger });
    const manifests = new ManifestStore(db);
    context.metrics.gauge('transports_routes_owned', 'Scheduled routes this replica drives', () =>
      runner.owned(),
    );
    context.metrics.gauge(
      'transports_replicas_live',
      'Transports replicas holding a lease, as this replica last saw them',
      () => fleet.liveReplicas().length,
    );
    context.metrics.gauge(
      'transports_route_overdue_seconds',
      'How long the most overdue boundary of a route this replica drives has waited for its transition',
      () => runner.overdueMs(clock.now()) / 1000,
    );
    registerRideGauges(context.metrics, rides, clock, logger);
    const instances = new InstanceTransports({
      clock,
      logger,
      metrics,
      messages,
      db,
      outbox,
      rides,
      track,
      tenants,
    });

    const statusRequest = (tenant: Parameters<TransportMessages['statusRequest']>[0]) =>
      track(
        publish([messages.statusRequest(tenant)]).catch((error) =>
          logger.warn({ tenantId: tenant.id, err: error }, 'STATUS_REQUEST could not be sent'),
        ),
      );
    let started = false;
    const manager = new TenantManager({
      source: tenantSource(context),
      registry: tenants,
      channels,
      clock,
      logger,
      track,
      applied: (configured, previous) => {
        const loaded = book.overlay(configured);
        tenants.swap(loaded);
        runner.apply(loaded);
        if (!previous) rebalance();
        // A tenant seen for the first time after start-up asks its channels to announce themselves too.
        if (!previous && started) statusRequest(loaded.tenant);
      },
    });

    try {
      await manager.loadAll();
    } catch (error) {
      // The tenants service may come up after us: start empty, the refresh and configuration events fill in.
      if (context.config.serviceUrls.tenants === undefined) throw error;
      logger.error({ err: error }, 'tenants could not be loaded; retrying on the next refresh');
    }
    manager.startRefresh();
    // A READ_ONLY replica serves REST only: it takes no lease, so it drives no route.
    if (context.consumersEnabled)
      await fleet.start({
        membership: rebalance,
        shared: ({ channels: changed, reloads, controls }) => {
          for (const { tenantId, started, ...channel } of changed) {
            if (started) channels.register(tenantId, channel);
            else channels.unregister(tenantId, channel);
          }
          for (const tenantId of reloads) track(manager.reload(tenantId));
          for (const tenantId of controls) track(book.refresh(tenantId));
        },
      });
    await runner.rebalance();
    let pruning: TimerHandle | undefined;
    const prune = () => {
      pruning = clock.after(PRUNE_STEPS_MS, () => {
        track(pruneSteps(db, clock.now()).catch((error) => logger.warn({ err: error }, 'steps not pruned')));
        // Idempotent: every replica may prune, a repeat deletes nothing.
        track(
          manifests.prune(clock.now()).catch((error) => logger.warn({ err: error }, 'manifests not pruned')),
        );
        prune();
      });
    };
    prune();

    // All at once: on Kafka the group joins once with every topic, instead of rejoining for each.
    const subscriptions: Subscription[] = context.consumersEnabled
      ? await Promise.all([
          consumeChannelStatus(context, channels, (tenantId, channel, started) =>
            fleet.channelChanged(tenantId, channel.worldId, channel.channelId, started),
          ),
          consumeConfigurationStatus(context, manager, (tenantId) => fleet.reloaded(tenantId)),
          consumeInstanceCommands(context, instances),
          consumeMapStatus(context, instances),
          consumeCharacterStatus(context, {
            instances,
            scheduledLogout: async (tenant, at, cause) => {
              const warp = await logoutWarp(warps, tenants.get(tenant.id), tenant, at);
              return warp ? [messages.changeMap(tenant, warp, cause)] : [];
            },
          }),
        ])
      : [];
    // Rides left by a stopped replica (or this service's last run) end now if due, the others on time.
    await instances.begin();
    // Decisions C10: channels that started before us announce themselves again.
    for (const loaded of tenants.all()) statusRequest(loaded.tenant);
    started = true;

    return {
      routes: (app) =>
        transportRoutes(app, {
          tenants,
          instances,
          rides,
          control,
          manifests: { manifests, passengers: { directory: warps.directory, channels, manifests } },
          now: () => clock.now(),
        }),
      tenants: () => tenants.all().map((loaded) => loaded.tenant),
      idle: () => runner.pending() === 0,
      async drain() {
        manager.stop();
        book.stop();
        pruning?.cancel();
        runner.stop();
        // The routes go to the other replicas at their next tick, not after this lease runs out.
        await fleet.leave().catch((error) => logger.warn({ err: error }, 'lease could not be given up'));
        // Rides stay in the database, for the other replicas or the next start to end on time.
        instances.stop();
      },
      async close() {
        for (const subscription of subscriptions) await subscription.close();
        logger.info('transports stopped');
      },
    };
  },
};
