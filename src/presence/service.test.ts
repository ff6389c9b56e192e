import { afterEach, describe, expect, it } from 'vitest';
import { record, startTestApp, TENANT, type TestApp, tenantHeaders } from '../../test/support/app.js';
import { createTestDatabase } from '../../test/support/database.js';
import { MemoryBus } from '../platform/bus/memory-bus.js';
import { MessageFactory } from '../platform/bus/messages.js';
import { ManualClock } from '../platform/clock.js';
import { type Config, loadConfig } from '../platform/config.js';
import { Database } from '../platform/db/database.js';
import { INBOX_MIGRATION } from '../platform/db/inbox.js';
import { OUTBOX_MIGRATION, OutboxRelay, writeOutbox } from '../platform/db/outbox.js';
import { OutboxSender } from '../platform/db/outbox-sender.js';
import { FieldDirectoryHolder, LocationDirectoryHolder } from '../platform/fields.js';
import { AtlasClient } from '../platform/http/client.js';
import { createLogger } from '../platform/logging.js';
import { Metrics } from '../platform/metrics.js';
import type { ServiceContext } from '../platform/service.js';
import { TaskTracker } from '../platform/tasks.js';
import { NIL_UUID } from '../platform/tenant.js';
import { tenantHeaders as busTenantHeaders } from '../platform/wire/headers.js';
import { integerKey } from '../platform/wire/keys.js';
import { presenceService } from './service.js';

const henesys = { worldId: 0, channelId: 1, mapId: 100000000, instance: NIL_UUID };
const loginAt = (characterId: number) => ({
  transactionId: NIL_UUID,
  worldId: 0,
  characterId,
  type: 'LOGIN',
  body: { channelId: 1, mapId: henesys.mapId, instance: NIL_UUID },
});

/** The context the composition root would build, from the real platform parts, for presence alone. */
function contextFor(
  config: Config,
  bus: MemoryBus,
  fields: FieldDirectoryHolder,
  db: Database | undefined,
): ServiceContext {
  const logger = createLogger('silent');
  const relay = db ? new OutboxRelay(db, bus, logger) : undefined;
  const sender = db && relay ? new OutboxSender(db, () => relay.wake()) : undefined;
  return {
    config,
    logger,
    metrics: new Metrics(),
    clock: new ManualClock(),
    leaseClock: new ManualClock(),
    random: () => 0,
    bus,
    messages: new MessageFactory(config.topics),
    client: new AtlasClient(config.outboundTimeoutMs, logger),
    tasks: new TaskTracker(),
    db,
    outbox:
      relay && sender
        ? { write: writeOutbox, committed: () => relay.wake(), send: sender.send.bind(sender) }
        : undefined,
    consumersEnabled: true,
    group: config.consumerGroups.presence,
    fields,
    locations: new LocationDirectoryHolder(),
  };
}

describe('presence service', () => {
  let test: TestApp | undefined;
  afterEach(async () => {
    await test?.app.close();
    test = undefined;
  });

  it('provides the field directory transports asks, including LOGINs published before it started', async () => {
    const config = loadConfig({}, { services: ['presence'] });
    const bus = new MemoryBus();
    const fields = new FieldDirectoryHolder();
    const db = new Database(await createTestDatabase(), createLogger('silent'));
    await db.migrate([OUTBOX_MIGRATION, INBOX_MIGRATION, ...(presenceService.migrations ?? [])]);
    // Published before presence subscribes: the in-process bus replays it because presence starts earliest.
    for (const id of [9, 2]) {
      await bus.publish('EVENT_TOPIC_CHARACTER_STATUS', [
        {
          key: integerKey(id),
          value: Buffer.from(JSON.stringify(loginAt(id))),
          headers: busTenantHeaders(TENANT),
        },
      ]);
    }
    const running = await presenceService.start(contextFor(config, bus, fields, db));
    await bus.idle();

    expect(fields.available).toBe(true);
    expect(await fields.charactersIn(TENANT, henesys)).toEqual([2, 9]);
    await running.close();
    await bus.close();
    await db.close();
  });

  it('refuses to start without its database', async () => {
    const config = loadConfig({}, { services: ['presence'] });
    const context = contextFor(config, new MemoryBus(), new FieldDirectoryHolder(), undefined);
    await expect(presenceService.start(context)).rejects.toThrow(/needs its database/);
  });

  it('in READ_ONLY mode answers REST but follows no events', async () => {
    test = await startTestApp({ services: ['presence'], env: { SERVICE_MODE: 'READ_ONLY' } });
    const mapStatus = record(test.app, 'EVENT_TOPIC_MAP_STATUS');
    await test.app.bus.publish('EVENT_TOPIC_CHARACTER_STATUS', loginAt(1), { key: 1, tenant: TENANT });
    await test.app.idle();

    expect(mapStatus.messages).toEqual([]);
    const response = await fetch(`${test.url}/api/worlds/0/channels/1/maps/100000000/characters`, {
      headers: tenantHeaders(),
    });
    expect(await response.json()).toMatchObject({ data: [], meta: { total: 0 } });
    await mapStatus.stop();
  });
});
