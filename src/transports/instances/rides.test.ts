import { afterEach, describe, expect, it } from 'vitest';
import { type InstanceRig, instanceRig, RIG_TENANT, rideId, rigRoute } from '../testing/instance-rig.js';
import { RideStore } from './rides.js';

const TENANT_B = { ...RIG_TENANT, id: '9c0a4d1e-7f3b-4c2a-8e5d-1b6f0a2c3d4e' };
const route = (capacity: number) =>
  rigRoute(`route-${capacity}`, { capacity, boardingWindowMs: 10_000, travelMs: 30_000 });
const rider = (characterId: number) => ({ characterId, worldId: 0, channelId: 1 });

let rig: InstanceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The store on a fresh database, and `board` as one transaction per call. */
async function store() {
  rig = await instanceRig([]);
  const { db } = rig;
  const rides = new RideStore(db);
  let next = 0;
  const newId = () => rideId(++next);
  const board = (tenant: typeof RIG_TENANT, capacity: number, characterId: number, now: number) =>
    db.transaction((client) => rides.board(client, tenant, route(capacity), rider(characterId), now, newId));
  return { db, rides, board };
}

describe('ride store', () => {
  it('fills a ride up to its capacity, then opens the next', async () => {
    const { rides, board } = await store();
    const boarded = [];
    for (const c of [1, 2, 3, 4, 5]) boarded.push(await board(RIG_TENANT, 2, c, 1_000));
    expect(boarded.map((b) => b.ok && [b.ride.id, b.created])).toEqual([
      [rideId(1), true],
      [rideId(1), false],
      [rideId(2), true],
      [rideId(2), false],
      [rideId(3), true],
    ]);
    const [first] = await rides.ofRoute(RIG_TENANT.id, route(2).id, 1_000);
    expect(first).toEqual({
      id: rideId(1),
      routeId: route(2).id,
      state: 'boarding',
      characters: 2,
      boardingUntil: 11_000,
      arrivalAt: 41_000,
      createdAt: 1_000,
    });
    expect((await rides.ofRoute(RIG_TENANT.id, route(2).id, 11_000))[0]!.state).toBe('in_transit');
  });

  it('does not board into a ride whose boarding has closed (boardingUntil excluded)', async () => {
    const { board } = await store();
    await board(RIG_TENANT, 5, 1, 0);
    const late = await board(RIG_TENANT, 5, 2, 10_000);
    expect(late.ok && late.ride.id).toBe(rideId(2));
  });

  it('refuses a character already riding, per tenant only (C6), leaving no empty ride behind', async () => {
    const { rides, board } = await store();
    expect((await board(RIG_TENANT, 1, 1, 0)).ok).toBe(true);
    expect(await board(RIG_TENANT, 1, 1, 0)).toEqual({ ok: false, reason: 'already-riding' });
    expect(await rides.count()).toBe(1);
    expect((await board(TENANT_B, 1, 1, 0)).ok).toBe(true);
    expect((await rides.rideOf(TENANT_B.id, 1))?.tenant).toEqual(TENANT_B);
  });

  it('keeps the route as it was at creation, and the rider order', async () => {
    const { db, rides, board } = await store();
    await board(RIG_TENANT, 5, 3, 0);
    await board(RIG_TENANT, 5, 1, 0);
    await board(RIG_TENANT, 5, 2, 0);
    const due = await db.transaction((client) => rides.lockDue(client, rideId(1), 40_000));
    expect(due?.ride.route).toEqual(route(5));
    expect(due?.aboard.map((entry) => entry.characterId)).toEqual([3, 1, 2]);
    expect(await db.transaction((client) => rides.lockDue(client, rideId(1), 39_999))).toBeUndefined();
  });

  it('takes characters off, drops an emptied ride, and remembers the last route for login recovery', async () => {
    const { db, rides, board } = await store();
    await board(RIG_TENANT, 5, 1, 0);
    await board(RIG_TENANT, 5, 2, 0);
    const first = await db.transaction((client) => rides.leave(client, RIG_TENANT.id, 1));
    expect(first && [first.entry, first.emptied]).toEqual([rider(1), false]);
    expect(await rides.rideOf(RIG_TENANT.id, 1)).toBeUndefined();
    expect(await db.transaction((client) => rides.leave(client, RIG_TENANT.id, 1))).toBeUndefined();
    const last = await db.transaction((client) => rides.leave(client, RIG_TENANT.id, 2));
    expect(last?.emptied).toBe(true);
    expect(await rides.count()).toBe(0);
    expect(await db.transaction((client) => rides.takeLastRoute(client, RIG_TENANT.id, 1))).toBe(route(5).id);
    expect(await db.transaction((client) => rides.takeLastRoute(client, RIG_TENANT.id, 1))).toBeUndefined();
  });
});
