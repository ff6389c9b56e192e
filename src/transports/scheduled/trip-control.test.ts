import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.js';
import { ManualClock } from '../../platform/clock.js';
import { Database } from '../../platform/db/database.js';
import { createLogger } from '../../platform/logging.js';
import { loadTenant, TenantRegistry } from '../tenants/loaded-tenant.js';
import { routeId, TENANT } from '../testing/harness.js';
import { sample } from '../testing/sample.js';
import { ControlBook } from './control-book.js';
import { CONTROLS_MIGRATION, ControlStore } from './controls-store.js';
import { FLEET_MIGRATION } from './fleet.js';
import { TripControl } from './trip-control.js';

const BOAT = routeId('boat-ellinia-orbis');

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('trip control audit', () => {
  it('writes one structured line per change: tenant, route, action, period, reason, remote address', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    );
    db = new Database(await createTestDatabase(), logger);
    await db.migrate([FLEET_MIGRATION, CONTROLS_MIGRATION]);
    const clock = new ManualClock(Date.parse('2026-02-18T00:01:00Z'));
    const tenants = new TenantRegistry();
    tenants.swap(loadTenant(sample));
    const changed: string[] = [];
    const store = new ControlStore(db);
    const book = new ControlBook(
      store,
      tenants,
      {
        controlsChanged: (_loaded, route) => {
          changed.push(route);
          return undefined;
        },
      },
      logger,
    );
    const control = new TripControl({ store, book, tenants, clock, logger });
    const request = { tenantId: TENANT.id, routeId: BOAT, remoteAddress: '10.1.2.3' };

    await control.hold(request, 'kraken sighted');
    await control.setOutage(
      request,
      Date.parse('2026-02-18T02:00:00Z'),
      Date.parse('2026-02-18T03:00:00Z'),
      null,
    );
    const audit = lines.filter((line) => line.audit === 'route-control');
    expect(audit).toEqual([
      expect.objectContaining({
        tenantId: TENANT.id,
        routeId: BOAT,
        route: 'boat-ellinia-orbis',
        action: 'hold',
        period: null,
        reason: 'kraken sighted',
        remoteAddress: '10.1.2.3',
      }),
      expect.objectContaining({
        action: 'out-of-service',
        period: { from: '2026-02-18T02:00:00.000Z', until: '2026-02-18T03:00:00.000Z' },
        reason: null,
      }),
    ]);
    // The route and its vessel's other leg are walked again after each change.
    expect(changed).toHaveLength(4);
    expect(tenants.get(TENANT.id)!.schedules.get(BOAT)!.overlay).toBeDefined();

    // A lease tick that finds the table as this replica left it re-walks nothing (the release's controls are
    // built in another key order than the row is read in).
    clock.advance(9 * 60_000); // past the 00:05 departure the hold held back: the release departs it
    await control.release(request);
    expect(changed).toHaveLength(6);
    await book.refresh(TENANT.id);
    expect(changed).toHaveLength(6);
  });

  it('reads the controls again after a failed read, so a replica does not drive a route on stale ones', async () => {
    const logger = createLogger('silent');
    db = new Database(await createTestDatabase(), logger);
    await db.migrate([FLEET_MIGRATION, CONTROLS_MIGRATION]);
    const clock = new ManualClock(Date.parse('2026-02-18T00:01:00Z'));
    // Replica A takes a hold; replica B sees the change at its lease tick, but its first read fails.
    const registryA = new TenantRegistry();
    registryA.swap(loadTenant(sample));
    const storeA = new ControlStore(db);
    const bookA = new ControlBook(storeA, registryA, { controlsChanged: () => undefined }, logger);
    const control = new TripControl({ store: storeA, book: bookA, tenants: registryA, clock, logger });
    await control.hold({ tenantId: TENANT.id, routeId: BOAT, remoteAddress: '10.1.2.3' }, 'kraken sighted');

    class FlakyStore extends ControlStore {
      failures = 1;
      override async read(tenantId?: string) {
        if (this.failures-- > 0) throw new Error('Connection terminated unexpectedly');
        return super.read(tenantId);
      }
    }
    const registryB = new TenantRegistry();
    registryB.swap(loadTenant(sample));
    const walked: string[] = [];
    const work: Array<Promise<unknown>> = [];
    const bookB = new ControlBook(
      new FlakyStore(db),
      registryB,
      {
        controlsChanged: (_loaded, route) => {
          walked.push(route);
          return undefined;
        },
      },
      logger,
      (promise) => work.push(promise),
      clock,
    );
    await bookB.refresh(TENANT.id);
    expect(bookB.controls(TENANT.id, BOAT)).toBeUndefined();

    // A second later it reads them again, without another change to tell it.
    clock.advance(1_000);
    await Promise.all(work);
    expect(bookB.controls(TENANT.id, BOAT)?.hold).toBeDefined();
    expect(registryB.get(TENANT.id)!.schedules.get(BOAT)!.overlay).toBeDefined();
    expect(walked).toContain(BOAT);
    bookB.stop();
  });
});
