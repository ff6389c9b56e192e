import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type AppBus, appBus } from './app-bus.js';

export type { AppBus, PublishOptions, ReceivedMessage, Unsubscribe } from './app-bus.js';

import { characterService } from './character/service.js';
import type { Bus, BusObserver } from './platform/bus/bus.js';
import { registerBusGauges } from './platform/bus/bus-metrics.js';
import { KafkaBus } from './platform/bus/kafka-bus.js';
import { MemoryBus } from './platform/bus/memory-bus.js';
import { MessageFactory } from './platform/bus/messages.js';
import { type Clock, SystemClock } from './platform/clock.js';
import { type Config, type ConfigOverrides, loadConfig } from './platform/config.js';
import { Database, type Migration } from './platform/db/database.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './platform/db/embedded.js';
import { INBOX_MIGRATION, InboxPruner } from './platform/db/inbox.js';
import { OUTBOX_MIGRATION, OutboxRelay, outboxSources, writeOutbox } from './platform/db/outbox.js';
import { OutboxSender } from './platform/db/outbox-sender.js';
import { settledBy } from './platform/deadline.js';
import { EventHub } from './platform/events/hub.js';
import { eventRoutes } from './platform/events/routes.js';
import { FieldDirectoryHolder, LocationDirectoryHolder } from './platform/fields.js';
import { AtlasClient } from './platform/http/client.js';
import { closeHttpServer, createHttpServer } from './platform/http/server.js';
import { RecentErrors } from './platform/log-ring.js';
import { createLogger, type Logger } from './platform/logging.js';
import { Metrics } from './platform/metrics.js';
import type { Random, RunningService, ServiceContext, ServiceModule } from './platform/service.js';
import { TaskTracker } from './platform/tasks.js';
import { presenceService } from './presence/service.js';
import { transportsService } from './transports/service.js';

const MODULES: readonly ServiceModule[] = [characterService, presenceService, transportsService];

export interface StartOptions extends ConfigOverrides {
  /** The clock every time-dependent part uses (a ManualClock in tests). */
  clock?: Clock;
  /**
   * The clock of replica leases (default: the system clock). Leases are liveness, like Kafka's session
   * timeouts, and run on real time even when the domain runs on a ManualClock; a test of takeovers passes a
   * ManualClock here to expire a lease without waiting.
   */
  leaseClock?: Clock;
  /** Random source for game rolls and spawn portals. */
  random?: Random;
  /** Environment to read instead of process.env. */
  env?: Record<string, string | undefined>;
  /** Embedded PostgreSQL without fsync (tests, benchmarks). */
  fastDatabase?: boolean;
  /**
   * The most close() may take (default 8 s, under the command line's 9 s backstop): a stage that hangs is
   * given up so that the later ones (persisting, stopping the database) still run.
   */
  shutdownTimeoutMs?: number;
  /** Aborting it during start-up stops what was started and makes start() reject with StartAborted. */
  signal?: AbortSignal;
}

/** start() was asked to stop before it finished (a signal during start-up): not a failure. */
export class StartAborted extends Error {
  constructor() {
    super('stopped during start-up');
  }
}

export interface App {
  readonly url: string;
  readonly bus: AppBus;
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Resolves when no message is queued or in flight, no relay or tracked task runs, and no timer is due. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

async function openDatabase(config: Config, logger: Logger, fast: boolean) {
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  if (config.database.kind === 'external') {
    url = config.database.url;
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: config.database.dataDir,
      port: config.database.port,
      logger,
      fast,
    });
    url = embedded.url();
  }
  return { db: new Database(url, logger), embedded };
}

/** The migrations of the configured services and of the outbox and inbox they share; none without a database. */
function migrationsOf(modules: readonly ServiceModule[]): Migration[] {
  const own = modules.flatMap((m) => m.migrations ?? []);
  return modules.some((m) => m.migrations !== undefined) ? [OUTBOX_MIGRATION, INBOX_MIGRATION, ...own] : [];
}

/** What start-up would migrate, for the dry run (`npm run db:check`): the same list `start` applies. */
export function configuredMigrations(config: Config): Migration[] {
  return migrationsOf(MODULES.filter((m) => config.services.has(m.name)));
}

/**
 * The composition root: reads configuration, builds the platform once, starts the configured services and
 * the HTTP server. Everything a test or an embedding host needs is on the returned App.
 */
export async function start(options: StartOptions = {}): Promise<App> {
  const config = loadConfig(options.env ?? process.env, options);
  const recentErrors = new RecentErrors();
  const logger = createLogger(config.logLevel, undefined, recentErrors);
  const metrics = new Metrics();
  const clock =
    options.clock ?? new SystemClock((error) => logger.error({ err: error }, 'timer callback failed'));
  // randomInt accepts a range of at most 2^48 - 1.
  const random: Random = options.random ?? (() => randomInt(0, 2 ** 48 - 1) / (2 ** 48 - 1));
  const observer: BusObserver = {
    handled: (topic, group) => metrics.messageHandled(topic, group),
    retried: (topic, group, attempt, error) => {
      metrics.busRetried.inc({ topic, group });
      logger.warn({ topic, group, attempt, err: error }, 'handler failed; retrying');
    },
    failed: (topic, group, letter, error) => {
      metrics.busFailed.inc({ topic, group });
      logger.error(
        { topic, group, letter, err: error },
        'handler kept failing; message set aside as a dead letter',
      );
    },
    restarted: (group) => metrics.consumerRestarts.inc({ group }),
    committed: (group, topic, partition, offset) => pruner?.committedOffset(group, topic, partition, offset),
  };
  const rawBus: Bus =
    config.bootstrapServers.length > 0
      ? new KafkaBus({ brokers: config.bootstrapServers, logger, observer })
      : new MemoryBus({ observer });
  registerBusGauges(metrics, rawBus, logger, rawBus instanceof KafkaBus);
  // Loaded only when configured: without TRACE_ENDPOINT no OpenTelemetry code runs or is even imported.
  const tracing = config.traceEndpoint
    ? await import('./platform/tracing.js').then((t) => t.startTracing(config.traceEndpoint!, logger))
    : undefined;
  const bus: Bus = tracing ? (await import('./platform/tracing.js')).tracedBus(rawBus, tracing) : rawBus;
  const messages = new MessageFactory(
    config.topics,
    tracing ? (topic, cause, headers) => tracing.produced(topic, cause, headers) : undefined,
  );
  const tasks = new TaskTracker();
  const fields = new FieldDirectoryHolder();
  const locations = new LocationDirectoryHolder();
  const modules = MODULES.filter((m) => config.services.has(m.name));
  const migrations = migrationsOf(modules);
  const needsDatabase = migrations.length > 0;

  let embedded: EmbeddedPostgres | undefined;
  let db: Database | undefined;
  let relay: OutboxRelay | undefined;
  let pruner: InboxPruner | undefined;
  let http: FastifyInstance | undefined;
  let events: EventHub | undefined;
  const running: RunningService[] = [];

  // One round of waiting for the work in flight: messages, outbox passes, tracked tasks.
  const settle = async () => {
    await bus.idle();
    await relay?.settled();
    await tasks.settled();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const quiet = () => bus.pending() === 0 && (relay?.idle() ?? true) && tasks.size === 0;

  const shutdownMs = options.shutdownTimeoutMs ?? 8_000;
  /**
   * Two phases, so that the last messages of one service reach the others: first every service sends what
   * it must (riders home, logouts of sessions in transition) while every consumer still listens, and the
   * reactions settle; then the services stop listening and persist what they hold. Every stage has a share
   * of the time and a failure of its own: a stuck handler or request cannot stop the database being closed.
   */
  const shutdown = async () => {
    const began = Date.now();
    const until = (share: number) => began + shutdownMs * share;
    const stage = async (name: string, deadline: number, work: () => Promise<unknown> | undefined) => {
      try {
        const pending = work();
        if (pending && !(await settledBy(pending, deadline))) {
          logger.warn({ stage: name }, 'shutdown stage ran out of time; going on');
        }
      } catch (error) {
        logger.error({ err: error, stage: name }, 'shutdown stage failed; going on');
      }
    };
    // Event streams never end by themselves: ended first, the HTTP drain finds them answered.
    events?.closeAll();
    await stage('http', until(0.2), async () => {
      if (http) await closeHttpServer(http, until(0.2) - Date.now());
    });
    const stopping = [...running].reverse();
    for (const service of stopping) await stage('drain', until(0.4), () => service.drain?.());
    await stage('quiesce', until(0.6), async () => {
      do await settle();
      while (!quiet() && Date.now() < until(0.6));
      if (!quiet()) logger.warn('shutdown went on with messages still in flight');
    });
    for (const service of stopping) await stage('close', until(0.75), () => service.close());
    await stage('tasks', until(0.8), () => tasks.settled());
    pruner?.stop();
    await stage('outbox', until(0.9), () => relay?.stop());
    await stage('bus', until(0.95), () => bus.close(Math.max(0, until(0.95) - Date.now())));
    await stage('database', until(0.97), () => db?.close());
    await stage('embedded database', until(1), () => embedded?.stop());
    // Last, so that the spans of the shutdown's own messages go too; bounded like every stage.
    await stage('traces', until(1), () => tracing?.close());
  };

  const { signal } = options;
  // An abort ends the waits that can take long (the broker connection, group joins) and then unwinds.
  const abortedWait = new Promise<never>((_, reject) => {
    const abort = () => {
      reject(new StartAborted());
      void bus.close();
    };
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
  abortedWait.catch(() => undefined);
  const checkpoint = () => {
    if (signal?.aborted) throw new StartAborted();
  };

  try {
    if (rawBus instanceof KafkaBus) await Promise.race([rawBus.connect(), abortedWait]);
    checkpoint();
    if (needsDatabase) {
      ({ db, embedded } = await openDatabase(config, logger, options.fastDatabase ?? false));
      checkpoint();
      await db.migrate(migrations);
      relay = new OutboxRelay(db, bus, logger, undefined, await outboxSources(db));
      relay.start();
      if (bus.redelivers) {
        pruner = new InboxPruner(db, logger);
        pruner.start();
      }
    }
    const outboxRelay = relay;
    const sender = db && outboxRelay ? new OutboxSender(db, () => outboxRelay.wake()) : undefined;
    const outbox =
      outboxRelay && sender
        ? {
            write: writeOutbox,
            committed: () => outboxRelay.wake(),
            send: sender.send.bind(sender),
          }
        : undefined;
    const client = new AtlasClient(config.outboundTimeoutMs, logger);
    const database = db;
    http = createHttpServer({
      logger,
      metrics,
      bus,
      tracing,
      adminToken: config.adminToken,
      now: () => clock.now(),
      recentErrors,
      tenants: () => running.flatMap((service) => service.tenants?.() ?? []),
      readiness: async () => ({
        ...(database ? { database: await database.ready() } : {}),
        bus: bus.ready(),
      }),
    });
    for (const module of modules) {
      const context: ServiceContext = {
        config,
        logger: logger.child({ domain: module.name }),
        metrics,
        clock,
        leaseClock:
          options.leaseClock ??
          new SystemClock((error) => logger.error({ err: error }, 'lease timer failed')),
        random,
        bus,
        messages,
        client,
        tasks,
        db,
        outbox,
        consumersEnabled: config.serviceMode === 'MIXED',
        group: config.consumerGroups[module.name],
        fields,
        locations,
      };
      // Not raced with the abort: a module must finish starting to be stopped; closing the bus ends its waits.
      const service = await module.start(context);
      running.push(service);
      checkpoint();
      const routes = service.routes?.bind(service);
      if (routes) await http.register(async (scope) => routes(scope), { prefix: '/api' });
    }
    const hub = new EventHub(bus, config.topics, clock, logger, metrics);
    events = hub;
    await http.register(async (scope) => eventRoutes(scope, hub), { prefix: '/api' });
    await http.listen({ port: config.port, host: config.host });
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw signal?.aborted ? new StartAborted() : error;
  }

  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const listenHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  // An IPv6 literal needs brackets in a URL (http://[::1]:8080).
  const host = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  logger.info({ port, services: [...config.services] }, 'atlas-ts listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    // The host's view is the wire's: its subscriptions see the headers as produced, not a consumer span's.
    bus: appBus(rawBus, messages),
    config,
    logger,
    clock,
    async idle() {
      for (;;) {
        await settle();
        const due = clock.dueCount();
        if (quiet() && due === 0 && running.every((s) => s.idle?.() ?? true)) return;
        if (due > 0 && 'runDue' in clock && typeof clock.runDue === 'function') clock.runDue();
        else await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
