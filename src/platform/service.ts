import type { FastifyInstance } from 'fastify';
import type { Bus } from './bus/bus.js';
import type { MessageFactory, OutgoingMessage } from './bus/messages.js';
import type { Clock } from './clock.js';
import type { Config, ServiceName } from './config.js';
import type { Database, Migration } from './db/database.js';
import type { Delivery } from './db/inbox.js';
import type { FieldDirectoryHolder, LocationDirectoryHolder } from './fields.js';
import type { AtlasClient } from './http/client.js';
import type { Logger } from './logging.js';
import type { Metrics } from './metrics.js';
import type { TaskTracker } from './tasks.js';
import type { Tenant } from './tenant.js';

/** A source of uniform numbers in [0, 1): injected so that game rolls are exact in tests. */
export type Random = () => number;

/** Everything the composition root hands a domain. Domains never build their own collaborators. */
export interface ServiceContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  /** Real time for replica leases even when `clock` is a ManualClock (see StartOptions.leaseClock). */
  readonly leaseClock: Clock;
  readonly random: Random;
  readonly bus: Bus;
  readonly messages: MessageFactory;
  readonly client: AtlasClient;
  readonly tasks: TaskTracker;
  /** Present for services that declare migrations. */
  readonly db: Database | undefined;
  /** Writes messages in a transaction and wakes the relay after commit. */
  readonly outbox: OutboxWriter | undefined;
  /** False in SERVICE_MODE=READ_ONLY: register routes, start no consumers. */
  readonly consumersEnabled: boolean;
  /** Consumer group of this service (Character Service, Transport Service, ...). */
  readonly group: string;
  /** Presence provides "who is in this field"; transports asks (when MAPS_SERVICE_URL is unset). */
  readonly fields: FieldDirectoryHolder;
  /** Presence (as location owner) provides "where is this character"; the character service asks. */
  readonly locations: LocationDirectoryHolder;
}

export interface OutboxWriter {
  /** Call inside the operation's transaction. */
  write(client: Pick<import('pg').PoolClient, 'query'>, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Call after the transaction committed. */
  committed(): void;
  /**
   * For work whose state is not in rows (timers, rides): writes the messages in a transaction of their own,
   * shared with the other sends of the same instant, with the consumed message that caused them if any.
   */
  send(messages: readonly OutgoingMessage[], delivery?: Delivery): Promise<void>;
}

export interface RunningService {
  /** Registers REST routes under /api (called before the server listens). */
  routes?(app: FastifyInstance): Promise<void> | void;
  /** The tenants this service is configured for (the console's tenant picker). */
  tenants?(): readonly Tenant[];
  /** True when the service has no work of its own pending (beyond the bus and tracked tasks). */
  idle?(): boolean;
  /**
   * Shutdown, first phase: stop starting work of your own (timers) and send your last messages (riders sent
   * home, logouts of sessions in transition) while every service still listens.
   */
  drain?(): Promise<void>;
  /** Shutdown, second phase: stop listening and persist what must survive (positions). */
  close(): Promise<void>;
}

export interface ServiceModule {
  readonly name: ServiceName;
  readonly migrations?: readonly Migration[];
  start(context: ServiceContext): Promise<RunningService>;
}
