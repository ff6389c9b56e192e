import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import {
  decode,
  type InstanceRig,
  instanceRig,
  type RigOptions,
  rigRoute,
  RIG_TENANT as TENANT,
} from '../testing/instance-rig.js';
import type { InstanceTransports } from './processor.js';

// Decisions E5: two InstanceTransports on one database and one clock behave as two replicas of the service.
// Each ride ends exactly once, whichever replica boarded it, received the event or armed the timer.

const TEN = rigRoute('ten-seats', { capacity: 10 });
const WHALE = rigRoute('whale');
const rider = (characterId: number) => ({ characterId, worldId: 0, channelId: 1 });
const AWAY = { ...rider(0), mapId: 100000000 };

let rig: InstanceRig | undefined;
let replicas: InstanceTransports[] = [];
afterEach(async () => {
  for (const replica of replicas) replica.stop();
  await rig?.close();
  rig = undefined;
  replicas = [];
});

async function twoReplicas(options: RigOptions = {}) {
  rig = await instanceRig([TEN, WHALE], options);
  const a = rig.transports;
  const b = rig.replica();
  replicas = [a, b];
  return { rig, a, b };
}

/** Waits for a condition of the database's state (checked every few milliseconds, for at most 5 s). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** True while some transaction of the test database waits for a row lock. */
async function waitingForLock(r: InstanceRig): Promise<boolean> {
  const { rows } = await r.db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return (rows[0]?.n ?? 0) > 0;
}

/** [type, characterId, detail] of every message committed so far. */
async function sent(r: InstanceRig) {
  return (await r.sent()).map((m) => {
    const { type, characterId, body } = decode(m);
    return [type, characterId, body.reason ?? body.mapId ?? ''] as const;
  });
}

describe('instance rides across replicas', () => {
  it('keeps capacity under 50 concurrent starts on two replicas: exactly 5 rides of 10', async () => {
    const { rig, a, b } = await twoReplicas();
    const rides = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).start(TENANT, TEN.id, rider(100 + i))),
    );
    const seats = new Map<string, number>();
    for (const ride of rides) seats.set(ride.id, (seats.get(ride.id) ?? 0) + 1);
    expect([...seats.values()]).toEqual([10, 10, 10, 10, 10]);
    const { rows } = await rig.db.query<{ n: number }>(
      'SELECT count(*)::integer AS n FROM transport_riders GROUP BY instance_id',
    );
    expect(rows.map((row) => row.n)).toEqual([10, 10, 10, 10, 10]);
  });

  it('refuses on one replica a START of a character riding on the other', async () => {
    const { rig, a, b } = await twoReplicas();
    await a.start(TENANT, WHALE.id, rider(7));
    await expect(b.start(TENANT, TEN.id, rider(7))).rejects.toMatchObject({ reason: 'already-riding' });
    expect((await sent(rig)).map(([type]) => type)).toEqual(['CHANGE_MAP', 'STARTED']);
    expect(await b.active()).toBe(1);
  });

  it('completes on B a ride boarded on A after A died: one COMPLETED and one warp per rider', async () => {
    const { rig, a, b } = await twoReplicas();
    for (const id of [1, 2, 3]) await a.start(TENANT, TEN.id, rider(id));
    a.stop(); // a kill -9: its timers never fire
    await b.endings.sweep(rig.clock.now() + 61_000);
    rig.clock.set(60_999);
    await rig.settle();
    expect(await b.active()).toBe(1);
    rig.clock.set(61_000);
    await rig.settle();
    expect((await sent(rig)).slice(6)).toEqual([
      ['CHANGE_MAP', 1, 140020300],
      ['COMPLETED', 1, ''],
      ['CHANGE_MAP', 2, 140020300],
      ['COMPLETED', 2, ''],
      ['CHANGE_MAP', 3, 140020300],
      ['COMPLETED', 3, ''],
    ]);
    expect(await b.active()).toBe(0);
  });

  it('ends a ride once when the timers of both replicas fire for it', async () => {
    // The first ending holds its transaction open until the second has either reached the same point (two
    // endings: the bug) or is waiting for the ride's lock.
    let first = true;
    let secondWrote = false;
    const beforeWrite = async (messages: readonly OutgoingMessage[]) => {
      if (!messages.some((m) => decode(m).type === 'COMPLETED')) return;
      if (!first) {
        secondWrote = true;
        return;
      }
      first = false;
      await until(async () => secondWrote || (await waitingForLock(rig!)));
    };
    const { rig, a, b } = await twoReplicas({ beforeWrite });
    await a.start(TENANT, WHALE.id, rider(5));
    await b.endings.sweep(rig.clock.now() + 61_000);
    rig.clock.set(61_000);
    await rig.settle();
    expect((await sent(rig)).slice(2)).toEqual([
      ['CHANGE_MAP', 5, 140020300],
      ['COMPLETED', 5, ''],
    ]);
    const metrics = await rig.metrics.registry.metrics();
    expect(metrics).toMatch(/transports_instance_events_total\{type="COMPLETED"\} 1\n/);
  });

  it('lets a logout on B wait for the arrival A is writing, then cancel nothing', async () => {
    let logout: Promise<void> | undefined;
    const beforeWrite = async (messages: readonly OutgoingMessage[]) => {
      if (!messages.some((m) => decode(m).type === 'COMPLETED')) return;
      logout = replicas[1]!.loggedOut(TENANT, { ...AWAY, characterId: 6 });
      await until(() => waitingForLock(rig!));
    };
    const { rig, a } = await twoReplicas({ beforeWrite });
    await a.start(TENANT, WHALE.id, rider(6));
    rig.clock.set(61_000);
    await rig.settle();
    await logout;
    expect((await sent(rig)).slice(2)).toEqual([
      ['CHANGE_MAP', 6, 140020300],
      ['COMPLETED', 6, ''],
    ]);
  });

  it('cancels on B a ride started on A, and A then has nothing to end', async () => {
    const { rig, a, b } = await twoReplicas();
    await a.start(TENANT, WHALE.id, rider(8));
    await b.mapEntered(TENANT, { ...AWAY, characterId: 8 });
    expect(await a.active()).toBe(0);
    rig.clock.set(200_000);
    await rig.settle();
    expect((await sent(rig)).slice(2)).toEqual([['CANCELLED', 8, 'MAP_EXIT']]);
  });

  it('cancels a rider once when both replicas receive its logout', async () => {
    const { rig, a, b } = await twoReplicas();
    await a.start(TENANT, TEN.id, rider(8));
    await a.start(TENANT, TEN.id, rider(9));
    const at = { ...AWAY, characterId: 8 };
    await Promise.all([a.loggedOut(TENANT, at), b.loggedOut(TENANT, at)]);
    expect((await sent(rig)).slice(4)).toEqual([['CANCELLED', 8, 'LOGOUT']]);
    expect(await a.active()).toBe(1); // rider 9 still aboard
  });

  it('counts down on B the ride started on A, and recovers on B a login of a rider who logged out on A', async () => {
    const shared = rigRoute('shared', { startMapId: 240000110, transitMapIds: [200090500] });
    const other = rigRoute('another', { startMapId: 270000100, transitMapIds: [200090500] });
    rig = await instanceRig([shared, other]);
    const a = rig.transports;
    const b = rig.replica();
    replicas = [a, b];
    // "another" sorts first by name: only the remembered route (in the database) leads back to "shared".
    await a.start(TENANT, shared.id, rider(3));
    rig.clock.set(20_500);
    await b.mapEntered(TENANT, { ...rider(3), mapId: 200090500 });
    await a.loggedOut(TENANT, { ...rider(3), mapId: 200090500 });
    await b.loggedIn(TENANT, { ...rider(3), mapId: 200090500 });
    const messages = (await rig.sent()).slice(2).map(decode);
    expect(messages.map((m) => [m.type, m.body.durationSeconds ?? m.body.reason ?? m.body.mapId])).toEqual([
      ['TRANSIT_ENTERED', 40], // arrival at 61 s, 40.5 s left, truncated
      ['CANCELLED', 'LOGOUT'],
      ['CHANGE_MAP', 240000110],
    ]);
  });

  it('arms by a sweep only the rides due within the next two seconds', async () => {
    const { rig, a, b } = await twoReplicas();
    await a.start(TENANT, WHALE.id, rider(1)); // due at 61 s
    a.stop();
    rig.clock.set(58_999);
    await b.endings.sweep(); // looks up to 60.999 s: not yet
    rig.clock.set(61_000);
    await rig.settle();
    expect(await b.active()).toBe(1);
    await b.endings.sweep();
    rig.clock.runDue();
    await rig.settle();
    expect(await b.active()).toBe(0);
    expect((await sent(rig)).slice(2).map(([type]) => type)).toEqual(['CHANGE_MAP', 'COMPLETED']);
  });

  it('sends home on B (STUCK) a ride of A found when B starts after its stuck timeout', async () => {
    rig = await instanceRig([WHALE]);
    const a = rig.transports;
    replicas = [a];
    await a.start(TENANT, WHALE.id, rider(4));
    a.stop();
    rig.clock.set(122_000); // 2 × (1 s boarding + 60 s travel)
    const b = rig.replica();
    replicas.push(b);
    await b.endings.adopt();
    rig.clock.runDue();
    await rig.settle();
    expect((await sent(rig)).slice(2)).toEqual([
      ['CHANGE_MAP', 4, 104000000],
      ['CANCELLED', 4, 'STUCK'],
    ]);
  });
});
