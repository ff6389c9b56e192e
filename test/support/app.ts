import { type App, type ReceivedMessage, type StartOptions, start } from '../../src/app.js';
import { ManualClock } from '../../src/platform/clock.js';
import type { Tenant } from '../../src/platform/tenant.js';
import type { TopicVariable } from '../../src/platform/topics.js';
import { createTestDatabase } from './database.js';
import { TENANT } from './tenant.js';

export { OTHER_TENANT, TENANT } from './tenant.js';

/** REST headers for a tenant, as an Atlas Go client sends them. */
export function tenantHeaders(tenant: Tenant = TENANT): Record<string, string> {
  return {
    TENANT_ID: tenant.id,
    REGION: tenant.region,
    MAJOR_VERSION: String(tenant.majorVersion),
    MINOR_VERSION: String(tenant.minorVersion),
  };
}

export interface TestApp {
  readonly app: App;
  readonly clock: ManualClock;
  readonly url: string;
}

/**
 * Starts the application on loopback with a manual clock, quiet logs and (unless `database: false`) a fresh
 * database on the shared test PostgreSQL.
 */
export async function startTestApp(
  options: StartOptions & { database?: boolean; start?: Date | number } = {},
): Promise<TestApp> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(options.start);
  const databaseUrl =
    options.database === false ? undefined : (options.databaseUrl ?? (await createTestDatabase()));
  const app = await start({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    env: {},
    ...options,
    databaseUrl,
    clock,
  });
  return { app, clock, url: app.url };
}

/**
 * Moves the manual clock to `target`, stopping at every due timer and letting the application settle
 * (messages handled, tasks done) before going on, so that work a timer starts happens at its own instant.
 */
export async function advanceTo(app: App, clock: ManualClock, target: number): Promise<void> {
  await app.idle();
  for (;;) {
    const next = clock.nextDue();
    if (next === undefined || next > target) break;
    clock.set(Math.max(next, clock.now()));
    await app.idle();
  }
  clock.set(target);
  await app.idle();
}

export async function advanceBy(app: App, clock: ManualClock, ms: number): Promise<void> {
  await advanceTo(app, clock, clock.now() + ms);
}

/** Records every message on a topic from now on; `messages` fills as they arrive. */
export function record(app: App, topic: TopicVariable) {
  const messages: ReceivedMessage[] = [];
  const stop = app.bus.subscribe(topic, (message) => {
    messages.push(message);
  });
  return {
    messages,
    values: () => messages.map((m) => m.value as Record<string, unknown>),
    ofType: (type: string) => messages.filter((m) => (m.value as { type?: string }).type === type),
    clear: () => messages.splice(0, messages.length),
    stop,
  };
}
