import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, startTestApp, type TestApp } from '../../../test/support/app.js';
import type { Tenant } from '../../platform/tenant.js';
import { attributesOf, createCharacter, NIL, setColumns, skipped } from '../testing/support.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
});

afterAll(async () => {
  await t.app.close();
});

/** Whether a tenant has seen MESO_AWARDED is remembered for good, so each case starts a tenant of its own. */
const freshTenant = (): Tenant => ({ id: randomUUID(), region: 'GMS', majorVersion: 83, minorVersion: 1 });

const MAP = 104000000;

interface PickUp {
  readonly tenant: Tenant;
  readonly dropId: number;
  readonly transactionId: string;
}

function dropEvent(p: PickUp, type: string, body: object, key = p.dropId) {
  return t.app.bus.publish(
    'EVENT_TOPIC_DROP_STATUS',
    {
      transactionId: p.transactionId,
      worldId: 0,
      channelId: 2,
      mapId: MAP,
      instance: NIL,
      dropId: p.dropId,
      type,
      body,
    },
    { key, tenant: p.tenant },
  );
}

const reserved = (p: PickUp, characterId: number, meso: number, key?: number) =>
  dropEvent(p, 'RESERVED', { characterId, itemId: 0, equipmentId: 0, quantity: 0, meso }, key);

const awarded = (p: PickUp, characterId: number, amount: number, picker: boolean, key?: number) =>
  dropEvent(p, 'MESO_AWARDED', { characterId, amount, picker }, key);

const pickUp = (tenant: Tenant, dropId: number): PickUp => ({ tenant, dropId, transactionId: randomUUID() });

const mesoOf = async (id: number, tenant: Tenant) => (await attributesOf(t, id, tenant)).meso;

function recordAll() {
  const drops = record(t.app, 'COMMAND_TOPIC_DROP');
  const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
  return {
    drops,
    events,
    commands: () => drops.values().map((d) => [d.type, d.body]),
    stop: async () => {
      await drops.stop();
      await events.stop();
    },
  };
}

describe('meso pick-up, the reference’s protocol (RESERVED)', () => {
  it('credits the meso and completes the pick-up', async () => {
    const tenant = freshTenant();
    const id = await createCharacter(t, { name: 'Finder' }, tenant);
    const seen = recordAll();
    await reserved(pickUp(tenant, 77), id, 500);
    await t.app.idle();
    expect(seen.drops.values()).toEqual([
      {
        worldId: 0,
        channelId: 2,
        mapId: MAP,
        instance: NIL,
        type: 'REQUEST_PICK_UP',
        body: { dropId: 77, characterId: id },
      },
    ]);
    expect(seen.events.values().map((e) => [e.type, e.body])).toEqual([
      ['STAT_CHANGED', { channelId: 2, exclRequestSent: true, updates: ['MESO'] }],
    ]);
    expect(await mesoOf(id, tenant)).toBe(500);
    await seen.stop();
  });

  it('cancels the reservation when the credit would overflow (B9)', async () => {
    const tenant = freshTenant();
    const id = await createCharacter(t, { name: 'Hoarder' }, tenant);
    await setColumns(t, id, { meso: 4_294_967_000 });
    const seen = recordAll();
    await reserved(pickUp(tenant, 77), id, 1_000);
    await t.app.idle();
    expect(seen.commands()).toEqual([['CANCEL_RESERVATION', { dropId: 77, characterId: id }]]);
    expect(await mesoOf(id, tenant)).toBe(4_294_967_000);
    await seen.stop();
  });
});

describe('meso pick-up, Atlas HEAD’s protocol (MESO_AWARDED)', () => {
  it('credits the picker with MESO_CHANGED (actor DROP, no chat line) and completes the pick-up', async () => {
    const tenant = freshTenant();
    const id = await createCharacter(t, { name: 'Picker', worldId: 1 }, tenant);
    const p = pickUp(tenant, 91);
    const seen = recordAll();
    await awarded(p, id, 300, true);
    await t.app.idle();
    expect(seen.events.messages.map((m) => JSON.stringify(m.value))).toEqual([
      `{"transactionId":"${p.transactionId}","worldId":1,"characterId":${id},"type":"MESO_CHANGED",` +
        '"body":{"actorId":91,"actorType":"DROP","amount":300,"showEffect":false}}',
      `{"transactionId":"${p.transactionId}","worldId":0,"characterId":${id},"type":"STAT_CHANGED",` +
        '"body":{"channelId":2,"exclRequestSent":true,"updates":["MESO"]}}',
    ]);
    expect(seen.commands()).toEqual([['REQUEST_PICK_UP', { dropId: 91, characterId: id }]]);
    expect(await mesoOf(id, tenant)).toBe(300);
    await seen.stop();
  });

  it('splits among the party: each share credited, one pick-up, by the picker', async () => {
    const tenant = freshTenant();
    const picker = await createCharacter(t, { name: 'Leader' }, tenant);
    const member = await createCharacter(t, { name: 'Member' }, tenant);
    const p = pickUp(tenant, 92);
    const seen = recordAll();
    await awarded(p, member, 250, false);
    await awarded(p, picker, 250, true);
    await t.app.idle();
    expect(seen.commands()).toEqual([['REQUEST_PICK_UP', { dropId: 92, characterId: picker }]]);
    expect(seen.events.ofType('MESO_CHANGED')).toHaveLength(2);
    expect([await mesoOf(picker, tenant), await mesoOf(member, tenant)]).toEqual([250, 250]);
    await seen.stop();
  });

  it('completes the pick-up of a zero share without a credit', async () => {
    const tenant = freshTenant();
    const id = await createCharacter(t, { name: 'Unlucky' }, tenant);
    const seen = recordAll();
    await awarded(pickUp(tenant, 93), id, 0, true);
    await t.app.idle();
    expect(seen.events.messages).toHaveLength(0);
    expect(seen.commands()).toEqual([['REQUEST_PICK_UP', { dropId: 93, characterId: id }]]);
    await seen.stop();
  });

  it('credits no share past the meso ceiling, and still completes the picker’s pick-up', async () => {
    const tenant = freshTenant();
    const picker = await createCharacter(t, { name: 'Capped' }, tenant);
    const member = await createCharacter(t, { name: 'AlsoCapped' }, tenant);
    await setColumns(t, picker, { meso: 4_294_967_000 });
    await setColumns(t, member, { meso: 4_294_967_000 });
    const p = pickUp(tenant, 94);
    const seen = recordAll();
    await awarded(p, picker, 1_000, true);
    await awarded(p, member, 1_000, false);
    await t.app.idle();
    expect(seen.events.messages).toHaveLength(0);
    // Not CANCEL_RESERVATION: the other shares of the pick-up are paid by their own messages.
    expect(seen.commands()).toEqual([['REQUEST_PICK_UP', { dropId: 94, characterId: picker }]]);
    expect([await mesoOf(picker, tenant), await mesoOf(member, tenant)]).toEqual([
      4_294_967_000, 4_294_967_000,
    ]);
    await seen.stop();
  });

  it('skips and counts a malformed MESO_AWARDED', async () => {
    const tenant = freshTenant();
    const id = await createCharacter(t, { name: 'Malformed' }, tenant);
    const before = await skipped(t, 'EVENT_TOPIC_DROP_STATUS', 'schema');
    await awarded(pickUp(tenant, 95), id, 100, 'yes' as unknown as boolean);
    await t.app.idle();
    expect(await skipped(t, 'EVENT_TOPIC_DROP_STATUS', 'schema')).toBe(before + 1);
    expect(await mesoOf(id, tenant)).toBe(0);
  });
});

describe('one pick-up announced both ways (HEAD’s atlas-drops): never credited twice (F4)', () => {
  it('RESERVED first: the picker has the whole amount once; the shares that follow credit nothing', async () => {
    const tenant = freshTenant();
    const picker = await createCharacter(t, { name: 'First' }, tenant);
    const member = await createCharacter(t, { name: 'Second' }, tenant);
    const p = pickUp(tenant, 101);
    const seen = recordAll();
    await reserved(p, picker, 1_000);
    await t.app.idle();
    await awarded(p, picker, 500, true);
    await awarded(p, member, 500, false);
    await t.app.idle();
    expect([await mesoOf(picker, tenant), await mesoOf(member, tenant)]).toEqual([1_000, 0]);
    expect(seen.commands()).toEqual([['REQUEST_PICK_UP', { dropId: 101, characterId: picker }]]);
    await seen.stop();
  });

  it('MESO_AWARDED first: the shares are credited; the RESERVED that follows credits nothing', async () => {
    const tenant = freshTenant();
    const picker = await createCharacter(t, { name: 'Third' }, tenant);
    const member = await createCharacter(t, { name: 'Fourth' }, tenant);
    const p = pickUp(tenant, 102);
    const seen = recordAll();
    await awarded(p, picker, 500, true);
    await awarded(p, member, 500, false);
    await t.app.idle();
    await reserved(p, picker, 1_000);
    await t.app.idle();
    expect([await mesoOf(picker, tenant), await mesoOf(member, tenant)]).toEqual([500, 500]);
    expect(seen.commands()).toEqual([['REQUEST_PICK_UP', { dropId: 102, characterId: picker }]]);
    expect(seen.events.ofType('STAT_CHANGED')).toHaveLength(2);
    await seen.stop();
  });

  it('after the first MESO_AWARDED, a later pick-up’s RESERVED never credits, whichever comes first', async () => {
    const tenant = freshTenant();
    const id = await createCharacter(t, { name: 'Later' }, tenant);
    await awarded(pickUp(tenant, 103), id, 10, true);
    await t.app.idle();
    const next = pickUp(tenant, 104);
    const seen = recordAll();
    await reserved(next, id, 700);
    await t.app.idle();
    expect(seen.drops.messages).toHaveLength(0);
    await awarded(next, id, 700, true);
    await t.app.idle();
    expect(await mesoOf(id, tenant)).toBe(710);
    expect(seen.commands()).toEqual([['REQUEST_PICK_UP', { dropId: 104, characterId: id }]]);
    await seen.stop();
  });

  it('a RESERVED credit does not swallow another pick-up of the same drop id (another transaction)', async () => {
    const tenant = freshTenant();
    const id = await createCharacter(t, { name: 'Reused' }, tenant);
    await reserved(pickUp(tenant, 105), id, 100);
    await t.app.idle();
    await awarded(pickUp(tenant, 105), id, 40, true);
    await t.app.idle();
    expect(await mesoOf(id, tenant)).toBe(140);
  });

  it('handled at the same time (distinct keys, in parallel), each of 40 pick-ups is credited exactly once', async () => {
    const tenant = freshTenant();
    const id = await createCharacter(t, { name: 'Racer' }, tenant);
    const seen = recordAll();
    const pickUps = Array.from({ length: 40 }, (_, i) => pickUp(tenant, 200 + i));
    // Solo pick-ups: the share is the whole amount, so either message alone credits 100.
    await Promise.all(
      pickUps.flatMap((p, i) =>
        i % 2 === 0
          ? [reserved(p, id, 100, 10_000 + i), awarded(p, id, 100, true, 20_000 + i)]
          : [awarded(p, id, 100, true, 20_000 + i), reserved(p, id, 100, 10_000 + i)],
      ),
    );
    await t.app.idle();
    expect(await mesoOf(id, tenant)).toBe(4_000);
    const completed = seen.drops.values().map((d) => (d.body as { dropId: number }).dropId);
    expect(completed.sort()).toEqual(pickUps.map((p) => p.dropId).sort());
    expect(seen.drops.ofType('REQUEST_PICK_UP')).toHaveLength(40);
    await seen.stop();
  });
});
