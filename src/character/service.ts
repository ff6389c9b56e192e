import type { Subscription } from '../platform/bus/bus.js';
import type { RunningService, ServiceContext, ServiceModule } from '../platform/service.js';
import { consumeCommands } from './commands/consumer.js';
import type { ConsumerDeps } from './commands/deps.js';
import { consumeMovement } from './commands/movement.js';
import { consumeAccountEvents, consumeDropEvents, consumeStatusEvents } from './events/consumer.js';
import { EffectiveStatsLookup } from './lookups/effective-stats.js';
import { LocationLookup } from './lookups/location.js';
import { PortalLookup } from './lookups/portal.js';
import { SkillLookup } from './lookups/skills.js';
import { TransferGates } from './pending-changes/gates.js';
import { DEFAULT_EXPIRY_MS } from './pending-changes/model.js';
import type { PendingChangeContext } from './pending-changes/processor.js';
import { PendingChangeProducer } from './pending-changes/producer.js';
import { pendingChangeHooks } from './pending-changes/sessions.js';
import { ExpirySweep } from './pending-changes/sweep.js';
import { Positions } from './position.js';
import type { OperationContext } from './processor/context.js';
import { PendingLevels } from './processor/pending-levels.js';
import { Producer } from './producer.js';
import { adminRoutes } from './rest/admin.js';
import { headFeatureRoutes } from './rest/head-features.js';
import { characterRoutesPlugin } from './rest/routes.js';
import { consumeChannelEvents, consumeSessionEvents } from './sessions/consumer.js';
import { SessionTracker } from './sessions/tracker.js';
import { savePositions } from './storage/characters.js';
import { WorldCache } from './storage/meso.js';
import { describeConflict, findLegacyConflicts } from './storage/schema/conflicts.js';
import { CHARACTER_MIGRATIONS } from './storage/schema/migration.js';
import { consumeTeleportRockCommands } from './teleport-rocks/consumer.js';
import type { TeleportRockContext } from './teleport-rocks/processor.js';
import { TeleportRockProducer } from './teleport-rocks/producer.js';

function operationContext(context: ServiceContext, positions: Positions): OperationContext {
  const { db, outbox, client, config, logger } = context;
  if (!db || !outbox) throw new Error('the character service needs its database and outbox');
  const urls = config.serviceUrls;
  return {
    db,
    outbox,
    producer: new Producer(context.messages),
    clock: context.clock,
    random: context.random,
    positions,
    pendingLevels: new PendingLevels(),
    worlds: new WorldCache(),
    portals: new PortalLookup(client, urls.data, logger),
    skills: new SkillLookup(client, urls.skills, urls.data, logger),
    stats: new EffectiveStatsLookup(client, urls.effectiveStats, logger),
    locations: new LocationLookup(
      config.locationOwner,
      // In the embedded default presence owns location in this process: an internal handover (§3.3).
      config.services.has('presence'),
      context.locations,
      client,
      urls.maps,
      logger,
    ),
    logger,
  };
}

/** How often (wall time) live positions reach their rows, where every replica reads them (decisions E5). */
const POSITION_FLUSH_MS = 1_000;

/** Writes the positions that changed since the last flush to their rows (B14), one statement per tenant. */
async function flushPositions(ctx: OperationContext): Promise<void> {
  for (const [tenantId, positions] of ctx.positions.takeUnsaved()) {
    try {
      await savePositions(ctx.db.pool, tenantId, positions);
    } catch (error) {
      ctx.positions.unwritten(tenantId, positions);
      ctx.logger.warn({ err: error }, 'live positions could not be stored; trying again later');
    }
  }
}

/**
 * Once at start-up, one warning per group of rows of an adopted database that break a rule (they keep
 * working; new violations are refused). GET /api/admin/legacy-conflicts lists them as they are now.
 */
async function reportLegacyConflicts(ctx: OperationContext): Promise<void> {
  for (const conflict of await findLegacyConflicts(ctx.db.pool)) {
    ctx.logger.warn({ conflict }, `legacy rows break a rule: ${describeConflict(conflict)}`);
  }
}

function subscribe(
  deps: ConsumerDeps,
  sessions: SessionTracker,
  trc: TeleportRockContext,
): Promise<Subscription>[] {
  return [
    consumeTeleportRockCommands(deps, trc),
    consumeCommands(deps),
    consumeMovement(deps, deps.ctx.positions),
    consumeStatusEvents(deps),
    consumeSessionEvents(deps, sessions),
    consumeChannelEvents(deps, sessions),
    consumeDropEvents(deps),
    consumeAccountEvents(deps),
  ];
}

/**
 * atlas-character: characters, their sessions and saved locations. Session state lives in the database
 * (character_sessions), shared by every replica; start-up fires the logouts that came due while no replica
 * watched them; shutdown stops consuming, logs out the characters this replica put in transition and
 * persists live positions.
 */
export const characterService: ServiceModule = {
  name: 'character',
  migrations: CHARACTER_MIGRATIONS,
  async start(context: ServiceContext): Promise<RunningService> {
    const ctx = operationContext(context, new Positions());
    await reportLegacyConflicts(ctx);
    const trc: TeleportRockContext = { ctx, producer: new TeleportRockProducer(context.messages) };
    const pcc: PendingChangeContext = {
      ctx,
      producer: new PendingChangeProducer(context.messages),
      gates: new TransferGates(context.client, context.config.serviceUrls),
      expiryMs: DEFAULT_EXPIRY_MS,
    };
    const sessions = new SessionTracker(ctx, context.tasks, pendingChangeHooks(pcc));
    const deps: ConsumerDeps = {
      ctx,
      bus: context.bus,
      messages: context.messages,
      group: context.group,
      logger: context.logger,
      metrics: context.metrics,
    };
    const subscriptions = context.consumersEnabled ? await Promise.all(subscribe(deps, sessions, trc)) : [];
    // Expiry is a state change: like the consumers, not in READ_ONLY.
    const flusher = setInterval(() => void context.tasks.track(flushPositions(ctx)), POSITION_FLUSH_MS);
    flusher.unref();
    const sweep = new ExpirySweep(pcc, context.tasks);
    if (context.consumersEnabled) {
      sweep.start();
      // Logouts left due by a replica that stopped (this one's previous life included) fire now.
      await sessions.start();
    }
    return {
      routes: async (app) => {
        // The admin route spans tenants: outside the tenant-scoped plugin and its hook.
        adminRoutes(app, ctx);
        await app.register(async (scope) => characterRoutesPlugin(scope, ctx));
        await app.register(async (scope) => headFeatureRoutes(scope, trc, pcc));
      },
      idle: () => !sessions.busy,
      // Sessions still in their 5 s transition end now, and their LOGOUT reaches presence and transports.
      drain: () => {
        sweep.stop();
        return sessions.close();
      },
      async close() {
        for (const subscription of subscriptions) await subscription.close();
        clearInterval(flusher);
        await flushPositions(ctx);
      },
    };
  },
};
