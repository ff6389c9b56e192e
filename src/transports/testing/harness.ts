// Test-only (excluded from the build): the shared helpers come from test/support.
import { advanceTo, TENANT, tenantHeaders } from '../../../test/support/app.js';
import { createTestDatabase } from '../../../test/support/database.js';
import { type App, type ReceivedMessage, start } from '../../app.js';
import { ManualClock } from '../../platform/clock.js';
import type { ServiceName } from '../../platform/config.js';
import { NIL_UUID } from '../../platform/tenant.js';
import type { TopicVariable } from '../../platform/topics.js';
import { readIntegerKey } from '../../platform/wire/keys.js';
import { instanceRouteId, scheduledRouteId } from '../core/ids.js';
import { FakeAtlas } from './fake-atlas.js';

export { advanceTo, TENANT, tenantHeaders };

export const DAY = Date.UTC(2026, 1, 18);
export const MINUTE = 60_000;

/** An instant of 2026-02-18 UTC ("00:35:10.000"), or of the next day with a "+1 " prefix. */
export function at(time: string): number {
  return time.startsWith('+1 ') ? at(time.slice(3)) + 86_400_000 : Date.parse(`2026-02-18T${time}Z`);
}

export const routeId = (slug: string) => scheduledRouteId(TENANT.id, slug);
export const instanceRoute = (slug: string) => instanceRouteId(TENANT.id, slug);

export interface Recorded extends ReceivedMessage {
  /** The manual clock when the message was delivered. */
  readonly at: number;
  readonly body: Record<string, unknown> & { type?: string; body?: Record<string, unknown> };
}

/** Every message on a topic from now on, stamped with the manual clock's time of delivery. */
export function recorder(app: App, clock: ManualClock, topic: TopicVariable) {
  const messages: Recorded[] = [];
  app.bus.subscribe(topic, (message) => {
    messages.push({ ...message, at: clock.now(), body: message.value as Recorded['body'] });
  });
  return {
    messages,
    ofType: (type: string) => messages.filter((m) => m.body.type === type),
    clear: () => messages.splice(0),
  };
}

/** The character service's LOGOUT of `characterId` in `mapId` (world 0, the nil instance), for the tenant. */
export function logout(app: App, characterId: number, mapId: number, channelId = 1) {
  return app.bus.publish(
    'EVENT_TOPIC_CHARACTER_STATUS',
    {
      transactionId: NIL_UUID,
      worldId: 0,
      characterId,
      type: 'LOGOUT',
      body: { channelId, mapId, instance: NIL_UUID },
    },
    { key: characterId, tenant: TENANT },
  );
}

/** A CHANGE_MAP command flattened for comparisons. */
export function warpOf(message: Recorded) {
  const body = message.body.body as { channelId: number; mapId: number; instance: string; portalId: number };
  return {
    characterId: message.body.characterId as number,
    key: readIntegerKey(message.key),
    worldId: message.body.worldId as number,
    ...body,
  };
}

export interface Harness {
  readonly app: App;
  readonly clock: ManualClock;
  readonly url: string;
  readonly atlas: FakeAtlas;
  /** The test database, for a later start on the same one (a restart, a second replica). */
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/**
 * The application with transports (and whatever else `services` names) on a manual clock, with atlas-maps
 * and atlas-data faked over HTTP so that tests decide who stands where and which look-ups fail. Every start
 * gets a fresh test database unless `databaseUrl` names one (a restart on the same data).
 */
export async function startHarness(
  options: {
    start?: number;
    services?: ServiceName[];
    env?: Record<string, string>;
    atlas?: FakeAtlas;
    maps?: boolean;
    data?: boolean;
    clock?: ManualClock;
    /** An existing test database (another harness's) instead of a fresh one. */
    databaseUrl?: string;
  } = {},
): Promise<Harness> {
  const atlas = options.atlas ?? (await new FakeAtlas().start());
  const env: Record<string, string> = { ...(options.env ?? {}) };
  if (options.data !== false) env.DATA_SERVICE_URL = atlas.url;
  if (options.maps !== false) env.MAPS_SERVICE_URL = atlas.url;
  const clock = options.clock ?? new ManualClock(options.start ?? DAY);
  const services = options.services ?? ['transports'];
  // Transports keeps no rows of its own but sends through the outbox: every configuration needs the database.
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const app = await start({
    port: 0,
    host: '127.0.0.1',
    logLevel: (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent',
    services,
    env,
    databaseUrl,
    clock,
  });
  const url = app.url;
  return {
    app,
    clock,
    url,
    atlas,
    databaseUrl,
    async close() {
      await app.close();
      if (!options.atlas) await atlas.stop();
    },
  };
}
