import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import { attributesOf, command, createCharacter, NIL, setColumns, skipped } from '../testing/support.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
});

afterAll(async () => {
  await t.app.close();
});

const changeMeso = (id: number, amount: number, key?: number) =>
  command(t, 'REQUEST_CHANGE_MESO', id, { actorId: 9, actorType: 'NPC', amount }, { key, worldId: 0 });

describe('REQUEST_CHANGE_MESO', () => {
  it('gives the exact sum after 1,000 concurrent changes (B2)', async () => {
    const id = await createCharacter(t, { name: 'Banker' });
    await setColumns(t, id, { meso: 1_000_000 });
    // Distinct keys: the bus handles them in parallel, so the database must serialise them.
    await Promise.all(Array.from({ length: 1000 }, (_, i) => changeMeso(id, i % 2 ? 7 : -3, i)));
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ meso: 1_000_000 + 500 * 7 - 500 * 3 });
  });

  it('announces MESO_CHANGED and STAT_CHANGED on the character’s world', async () => {
    const id = await createCharacter(t, { name: 'Earner', worldId: 2 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await changeMeso(id, 500);
    await t.app.idle();
    expect(events.values().map((e) => [e.worldId, e.type, e.body])).toEqual([
      [2, 'MESO_CHANGED', { actorId: 9, actorType: 'NPC', amount: 500, showEffect: false }],
      [2, 'STAT_CHANGED', { channelId: 0, exclRequestSent: true, updates: ['MESO'] }],
    ]);
    // The single-statement path writes its own outbox rows: the bytes must still be Atlas's.
    const [changed] = events.messages;
    expect(changed?.key.toString('hex')).toBe(Buffer.from([id, 0, 0, 0, 0, 0, 0, 0]).toString('hex'));
    expect(changed?.headers.TENANT_ID?.toString('ascii')).toBe(TENANT.id);
    expect(changed?.headers.REGION?.toString('utf8')).toBe('GMS');
    expect(changed?.headers.MAJOR_VERSION?.toString('hex')).toBe('0053');
    expect(changed?.headers.MINOR_VERSION?.toString('hex')).toBe('0001');
    await events.stop();
  });

  it.each([
    ['true', { showEffect: true }, true],
    ['false', { showEffect: false }, false],
    ['absent (a reference-era sender)', {}, false],
  ])('echoes showEffect %s in MESO_CHANGED (K6, K16)', async (_, extra, echoed) => {
    const id = await createCharacter(t, { name: `Shown${String(echoed)}${Object.keys(extra).length}` });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'REQUEST_CHANGE_MESO', id, { actorId: 3, actorType: 'QUEST', amount: 25, ...extra });
    await t.app.idle();
    const [changed] = events.messages;
    expect(JSON.stringify(changed?.value)).toBe(
      `{"transactionId":"${NIL}","worldId":0,"characterId":${id},"type":"MESO_CHANGED",` +
        `"body":{"actorId":3,"actorType":"QUEST","amount":25,"showEffect":${echoed}}}`,
    );
    await events.stop();
  });

  it('skips a showEffect that is not a boolean, and counts it', async () => {
    const id = await createCharacter(t, { name: 'Showy' });
    const before = await skipped(t, 'COMMAND_TOPIC_CHARACTER', 'schema');
    await command(t, 'REQUEST_CHANGE_MESO', id, {
      actorId: 3,
      actorType: 'QUEST',
      amount: 25,
      showEffect: 1,
    });
    await t.app.idle();
    expect(await skipped(t, 'COMMAND_TOPIC_CHARACTER', 'schema')).toBe(before + 1);
    expect(await attributesOf(t, id)).toMatchObject({ meso: 0 });
  });

  it('answers a change below 0 with the flat NOT_ENOUGH_MESO error and changes nothing', async () => {
    const id = await createCharacter(t, { name: 'Pauper' });
    await setColumns(t, id, { meso: 100 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await changeMeso(id, -500);
    await t.app.idle();
    expect(events.values().map((e) => [e.type, e.body])).toEqual([
      ['ERROR', { error: 'NOT_ENOUGH_MESO', amount: -500 }],
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ meso: 100 });
    await events.stop();
  });

  it('refuses a change that would pass uint32 with the flat MESO_OVERFLOW error (K15)', async () => {
    const id = await createCharacter(t, { name: 'Croesus', worldId: 3 });
    await setColumns(t, id, { meso: 4_294_967_000 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await changeMeso(id, 1_000);
    await t.app.idle();
    expect(events.messages.map((m) => JSON.stringify(m.value))).toEqual([
      `{"transactionId":"${NIL}","worldId":3,"characterId":${id},"type":"ERROR",` +
        '"body":{"error":"MESO_OVERFLOW","amount":1000}}',
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ meso: 4_294_967_000 });
    await events.stop();
  });
});

describe('REQUEST_DROP_MESO', () => {
  it('takes the meso and spawns the drop where the character stands, keyed by map', async () => {
    const id = await createCharacter(t, { name: 'Dropper' });
    await setColumns(t, id, { meso: 1_000 });
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER_MOVEMENT',
      {
        worldId: 0,
        channelId: 1,
        mapId: 100000000,
        instance: NIL,
        objectId: id,
        observerId: id,
        x: -50,
        y: 120,
        stance: 4,
      },
      { key: id, tenant: TENANT },
    );
    const drops = record(t.app, 'COMMAND_TOPIC_DROP');
    await command(t, 'REQUEST_DROP_MESO', id, { channelId: 1, mapId: 100000000, amount: 400 });
    await t.app.idle();
    expect(drops.messages[0]?.key.toString('hex')).toBe('00e1f50500000000');
    expect(JSON.stringify(drops.values()[0])).toBe(
      `{"worldId":0,"channelId":1,"mapId":100000000,"instance":"${NIL}","type":"SPAWN_FROM_CHARACTER",` +
        `"body":{"itemId":0,"equipmentId":0,"quantity":0,"mesos":400,"dropType":2,"x":-50,"y":120,"ownerId":${id},` +
        `"dropperId":${id},"dropperX":-50,"dropperY":120,"playerDrop":true}}`,
    );
    expect(await attributesOf(t, id)).toMatchObject({ meso: 600 });
    await drops.stop();
  });

  it('refuses to drop more than owned and spawns nothing (B9)', async () => {
    const id = await createCharacter(t, { name: 'Cheater' });
    await setColumns(t, id, { meso: 10 });
    const drops = record(t.app, 'COMMAND_TOPIC_DROP');
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'REQUEST_DROP_MESO', id, { channelId: 1, mapId: 100000000, amount: 400 });
    await t.app.idle();
    expect(drops.messages).toHaveLength(0);
    expect(events.values().map((e) => [e.type, e.body])).toEqual([
      ['ERROR', { error: 'NOT_ENOUGH_MESO', amount: 400 }],
      ['STAT_CHANGED', { channelId: 1, exclRequestSent: true, updates: [] }],
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ meso: 10 });
    await drops.stop();
    await events.stop();
  });

  it('sends the refused amount as the int32 the error body declares, wrapped as Go converts it', async () => {
    const id = await createCharacter(t, { name: 'Greedy' });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'REQUEST_DROP_MESO', id, { channelId: 1, mapId: 100000000, amount: 3_000_000_000 });
    await t.app.idle();
    expect(JSON.stringify(events.values()[0]?.body)).toBe('{"error":"NOT_ENOUGH_MESO","amount":-1294967296}');
    await events.stop();
  });
});
