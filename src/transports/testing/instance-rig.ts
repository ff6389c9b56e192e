// Test-only: InstanceTransports on a manual clock and a fresh test database, for unit tests of rides. Several
// "replicas" (InstanceTransports instances) can share the database and the clock, as processes would.
import { createTestDatabase } from '../../../test/support/database.js';
import { MessageFactory, type OutgoingMessage } from '../../platform/bus/messages.js';
import { ManualClock } from '../../platform/clock.js';
import { Database } from '../../platform/db/database.js';
import { INBOX_MIGRATION } from '../../platform/db/inbox.js';
import { OUTBOX_MIGRATION, writeOutbox } from '../../platform/db/outbox.js';
import { OutboxSender } from '../../platform/db/outbox-sender.js';
import { createLogger } from '../../platform/logging.js';
import { Metrics } from '../../platform/metrics.js';
import type { OutboxWriter } from '../../platform/service.js';
import { resolveTopics } from '../../platform/topics.js';
import { instanceRouteId } from '../core/ids.js';
import type { InstanceRoute, TenantConfiguration } from '../core/model.js';
import { InstanceTransports } from '../instances/processor.js';
import { RideStore } from '../instances/rides.js';
import { RIDES_MIGRATION } from '../instances/rides-schema.js';
import { MANIFESTS_MIGRATION } from '../manifests/manifests.js';
import { transportMetrics } from '../metrics.js';
import { TransportMessages } from '../producer.js';
import { loadTenant, TenantRegistry } from '../tenants/loaded-tenant.js';

export const RIG_TENANT = {
  id: '083839c6-c47c-42a6-9585-76492795d123',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};

/** An instance route of the rig's tenant; ids derive from the slug, durations are given in milliseconds. */
export function rigRoute(slug: string, overrides: Partial<InstanceRoute> = {}): InstanceRoute {
  return {
    id: instanceRouteId(RIG_TENANT.id, slug),
    slug,
    name: slug,
    startMapId: 104000000,
    transitMapIds: [200090060],
    destinationMapId: 140020300,
    capacity: 1,
    boardingWindowMs: 1_000,
    travelMs: 60_000,
    transitMessage: '',
    effectItemIds: [],
    forcedReturnMapId: 0,
    ...overrides,
  };
}

/** The n-th ride id the rig hands out (1-based), a UUID as the rides table wants. */
export const rideId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export interface RigOptions {
  /** Makes a ride's transaction fail when it would write these messages (a database away, say). */
  readonly failWrite?: (messages: readonly OutgoingMessage[]) => boolean;
  /** Runs inside a ride's transaction before its messages are written: holds it open to stage a race. */
  readonly beforeWrite?: (messages: readonly OutgoingMessage[]) => Promise<void>;
}

export async function instanceRig(routes: readonly InstanceRoute[], options: RigOptions = {}) {
  const configuration: TenantConfiguration = {
    tenant: { ...RIG_TENANT, name: 't', worlds: [], travelRate: 1 },
    routes: [],
    vessels: [],
    instanceRoutes: routes,
    problems: [],
  };
  const logger = createLogger('silent');
  const db = new Database(await createTestDatabase(), logger);
  await db.migrate([OUTBOX_MIGRATION, INBOX_MIGRATION, RIDES_MIGRATION, MANIFESTS_MIGRATION]);
  const clock = new ManualClock(0);
  const tenants = new TenantRegistry();
  tenants.swap(loadTenant(configuration));
  const pending: Promise<unknown>[] = [];
  const sender = new OutboxSender(db, () => undefined);
  const outbox: OutboxWriter = {
    async write(client, messages) {
      await options.beforeWrite?.(messages);
      if (options.failWrite?.(messages)) throw new Error('database unavailable');
      await writeOutbox(client, messages);
    },
    committed: () => undefined,
    send: (messages, delivery) => sender.send(messages, delivery),
  };
  const metrics = new Metrics();
  let rides = 0;
  const newId = () => rideId(++rides);
  /** One more replica on the same database and clock. */
  const replica = () =>
    new InstanceTransports({
      clock,
      logger,
      metrics: transportMetrics(metrics),
      messages: new TransportMessages(new MessageFactory(resolveTopics({}))),
      db,
      outbox,
      rides: new RideStore(db),
      track: (work) => pending.push(work),
      tenants,
      newId,
    });
  return {
    db,
    clock,
    metrics,
    transports: replica(),
    replica,
    settle: () => Promise.all(pending),
    /** Every message committed to the outbox so far, in order. */
    async sent(): Promise<OutgoingMessage[]> {
      const { rows } = await db.query<{ topic: string; key: Buffer; value: Buffer }>(
        'SELECT topic, key, value FROM outbox ORDER BY id',
      );
      return rows.map((row) => ({ ...row, headers: {} }));
    },
    close: () => db.close(),
  };
}

export type InstanceRig = Awaited<ReturnType<typeof instanceRig>>;

export const decode = (m: OutgoingMessage) =>
  JSON.parse(m.value.toString()) as { type: string; characterId: number; body: Record<string, unknown> };
