import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, record, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import { call, createCharacter } from '../testing/support.js';
import { decide } from './processor.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
});

afterAll(async () => {
  await t.app.close();
});

const path = (id: number) => `/characters/${id}/teleport-rock-maps`;
const add = (id: number, list: unknown, mapId: unknown) =>
  call(t, 'POST', path(id), { data: { type: 'teleport-rock-maps', attributes: { list, mapId } } });
const errorOf = (body: unknown) => (body as { errors: Array<Record<string, unknown>> }).errors[0];
const key = (id: number) => Buffer.from([id & 0xff, (id >> 8) & 0xff, 0, 0, 0, 0, 0, 0]);

describe('the save rule and the order of refusals (pure)', () => {
  const lists = { characterId: 1, regular: [100000000, 101000000], vip: [] };
  it.each([
    [100000000, true],
    [99999999, false],
    [10000, false],
    [109000000, false],
    [209000000, false],
    [910000000, true],
  ])('map %i may be saved: %s', (mapId, allowed) => {
    const run = () => decide({ ...lists, regular: [] }, { kind: 'add', vip: false, mapId });
    if (allowed) expect(run()).toEqual([mapId]);
    else expect(run).toThrow('MAP_NOT_ALLOWED');
  });

  it('checks eligibility before room, and room before duplicates; removal compacts', () => {
    const full = { ...lists, regular: [100000000, 101000000, 102000000, 103000000, 104000000] };
    expect(() => decide(full, { kind: 'add', vip: false, mapId: 10000 })).toThrow('MAP_NOT_ALLOWED');
    expect(() => decide(full, { kind: 'add', vip: false, mapId: 100000000 })).toThrow('LIST_FULL');
    expect(() => decide(lists, { kind: 'add', vip: false, mapId: 100000000 })).toThrow('DUPLICATE');
    expect(decide(full, { kind: 'remove', vip: false, mapId: 101000000 })).toEqual([
      100000000, 102000000, 103000000, 104000000,
    ]);
    expect(() => decide(lists, { kind: 'remove', vip: true, mapId: 100000000 })).toThrow('NOT_FOUND');
  });
});

describe('GET/POST/DELETE /characters/{id}/teleport-rock-maps', () => {
  it("answers HEAD's document, empty lists first", async () => {
    const id = await createCharacter(t, { name: 'Rocky' });
    const answer = await call(t, 'GET', path(id));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      `{"data":{"type":"teleport-rock-maps","id":"${id}","attributes":{"regular":[],"vip":[],` +
        '"regularCapacity":5,"vipCapacity":10}}}',
    );
  });

  it('adds in order up to capacity, announces each list with LIST_UPDATED, and removes with compaction', async () => {
    const id = await createCharacter(t, { name: 'Saver', worldId: 2 });
    const events = record(t.app, 'EVENT_TOPIC_TELEPORT_ROCK_STATUS');
    for (const mapId of [100000000, 101000000, 102000000, 103000000, 104000000]) {
      expect((await add(id, 'regular', mapId)).status).toBe(200);
    }
    const full = await add(id, 'regular', 105000000);
    expect(full.status).toBe(409);
    expect(errorOf(full.body)).toMatchObject({ status: '409', detail: 'LIST_FULL' });
    const vip = await add(id, 'vip', 211000000);
    expect((vip.body as { data: { attributes: unknown } }).data.attributes).toEqual({
      regular: [100000000, 101000000, 102000000, 103000000, 104000000],
      vip: [211000000],
      regularCapacity: 5,
      vipCapacity: 10,
    });

    const removed = await call(t, 'DELETE', `${path(id)}/regular/101000000`);
    expect(removed.status).toBe(200);
    expect((removed.body as { data: { attributes: { regular: number[] } } }).data.attributes.regular).toEqual(
      [100000000, 102000000, 103000000, 104000000],
    );
    expect((await call(t, 'GET', path(id))).body).toEqual(removed.body);

    await t.app.idle();
    expect(events.messages).toHaveLength(7);
    const first = events.messages[0]!;
    const transactionId = (first.value as { transactionId: string }).transactionId;
    expect(JSON.stringify(first.value)).toBe(
      `{"transactionId":"${transactionId}","worldId":2,"characterId":${id},"type":"LIST_UPDATED",` +
        '"body":{"vip":false,"registered":true,"maps":[100000000]}}',
    );
    expect(first.key).toEqual(key(id));
    expect(first.headers.TENANT_ID?.toString()).toBe(TENANT.id);
    expect(events.messages[6]!.value).toMatchObject({
      type: 'LIST_UPDATED',
      body: { vip: false, registered: false, maps: [100000000, 102000000, 103000000, 104000000] },
    });
    await events.stop();
  });

  it('refuses duplicates (409), maps the client cannot save (400), absent maps (404): nothing changes', async () => {
    const id = await createCharacter(t, { name: 'Picky' });
    await add(id, 'vip', 100000000);
    const duplicate = await add(id, 'vip', 100000000);
    expect(duplicate.status).toBe(409);
    expect(errorOf(duplicate.body)).toMatchObject({ detail: 'DUPLICATE' });
    const island = await add(id, 'regular', 10000);
    expect(island.status).toBe(400);
    expect(errorOf(island.body)).toMatchObject({
      detail: 'MAP_NOT_ALLOWED',
      source: { pointer: '/data/attributes/mapId' },
    });
    const absent = await call(t, 'DELETE', `${path(id)}/regular/100000000`);
    expect(absent.status).toBe(404);
    expect((await call(t, 'GET', path(id))).body).toMatchObject({
      data: { attributes: { regular: [], vip: [100000000] } },
    });
  });

  it('names the bad field of bad input, and never finds another tenant’s or a missing character', async () => {
    const id = await createCharacter(t, { name: 'Strict' });
    expect(errorOf((await add(id, 'gold', 100000000)).body)).toMatchObject({
      status: '400',
      source: { pointer: '/data/attributes/list' },
    });
    expect(errorOf((await add(id, 'vip', -1)).body)).toMatchObject({
      status: '400',
      source: { pointer: '/data/attributes/mapId' },
    });
    expect(errorOf((await call(t, 'DELETE', `${path(id)}/gold/100000000`)).body)).toMatchObject({
      status: '400',
      source: { parameter: 'list' },
    });
    expect(errorOf((await call(t, 'DELETE', `${path(id)}/vip/x`)).body)).toMatchObject({
      source: { parameter: 'mapId' },
    });
    expect((await call(t, 'GET', path(999_999))).status).toBe(404);
    expect((await call(t, 'GET', path(id), undefined, OTHER_TENANT)).status).toBe(404);
    const foreign = await call(
      t,
      'POST',
      path(id),
      { data: { type: 'teleport-rock-maps', attributes: { list: 'vip', mapId: 100000000 } } },
      OTHER_TENANT,
    );
    expect(foreign.status).toBe(404);
    expect((await call(t, 'PUT', path(id))).status).toBe(405);
  });

  it('deletes both lists with their character', async () => {
    const id = await createCharacter(t, { name: 'Goner' });
    await add(id, 'regular', 100000000);
    await add(id, 'vip', 200000000);
    expect((await call(t, 'DELETE', `/characters/${id}`)).status).toBe(204);
    const { database } = t.app.config;
    if (database.kind !== 'external') throw new Error('external database expected');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(
      'SELECT count(*)::int AS n FROM teleport_rock_maps WHERE character_id = $1',
      [id],
    );
    await client.end();
    expect(rows[0].n).toBe(0);
  });
});

describe('COMMAND_TOPIC_TELEPORT_ROCK', () => {
  const command = (type: string, characterId: number, mapId: number, vip: boolean) =>
    t.app.bus.publish(
      'COMMAND_TOPIC_TELEPORT_ROCK',
      {
        transactionId: 'a0a0a0a0-0000-4000-8000-000000000001',
        worldId: 1,
        characterId,
        type,
        body: { mapId, vip },
      },
      { key: characterId, tenant: TENANT },
    );

  it('ADD_MAP and REMOVE_MAP change the list; a refusal answers ERROR with the command’s ids', async () => {
    const id = await createCharacter(t, { name: 'Channel' });
    const events = record(t.app, 'EVENT_TOPIC_TELEPORT_ROCK_STATUS');
    await command('ADD_MAP', id, 240000000, true);
    await command('ADD_MAP', id, 240000000, true);
    await command('REMOVE_MAP', id, 100000000, false);
    await command('REMOVE_MAP', id, 240000000, true);
    await t.app.idle();
    expect(events.messages.map((m) => JSON.stringify(m.value))).toEqual([
      `{"transactionId":"a0a0a0a0-0000-4000-8000-000000000001","worldId":1,"characterId":${id},"type":"LIST_UPDATED","body":{"vip":true,"registered":true,"maps":[240000000]}}`,
      `{"transactionId":"a0a0a0a0-0000-4000-8000-000000000001","worldId":1,"characterId":${id},"type":"ERROR","body":{"vip":true,"reason":"DUPLICATE"}}`,
      `{"transactionId":"a0a0a0a0-0000-4000-8000-000000000001","worldId":1,"characterId":${id},"type":"ERROR","body":{"vip":false,"reason":"NOT_FOUND"}}`,
      `{"transactionId":"a0a0a0a0-0000-4000-8000-000000000001","worldId":1,"characterId":${id},"type":"LIST_UPDATED","body":{"vip":true,"registered":false,"maps":[]}}`,
    ]);
    await events.stop();
  });
});
