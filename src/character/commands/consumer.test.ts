import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, record, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import { BEGINNER, call, command, createCharacter, NIL, skipped } from '../testing/support.js';

const TX = '0d4c5f6e-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const TOPIC = 'COMMAND_TOPIC_CHARACTER';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
});

afterAll(async () => {
  await t.app.close();
});

const { gm: _gm, ...creation } = BEGINNER;

describe('CREATE_CHARACTER over the bus', () => {
  it('creates the character and announces CREATED with the command’s transaction', async () => {
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(
      t,
      'CREATE_CHARACTER',
      0,
      { ...creation, name: 'BusBorn', worldId: 1 },
      { transactionId: TX, key: 1000 },
    );
    await t.app.idle();
    const created = events.values()[0] as { characterId: number };
    expect(events.values()).toEqual([
      {
        transactionId: TX,
        worldId: 1,
        characterId: created.characterId,
        type: 'CREATED',
        body: { name: 'BusBorn', mapId: BEGINNER.mapId, instance: NIL },
      },
    ]);
    const list = await call(t, 'GET', '/characters?name=BusBorn');
    expect((list.body as { data: Array<{ attributes: object }> }).data[0]?.attributes).toMatchObject({
      worldId: 1,
      gm: 0,
    });
    await events.stop();
  });

  it.each([
    ['a taken name', { name: 'BusBorn' }, 'blocked name'],
    ['an unanchored match', { name: 'Test@Name!' }, 'blocked name'],
    ['level 0', { name: 'Levelless', level: 0 }, 'invalid level'],
  ])('announces CREATION_FAILED for %s (B3)', async (_, attributes, message) => {
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'CREATE_CHARACTER', 0, { ...creation, ...attributes }, { transactionId: TX, key: 1000 });
    await t.app.idle();
    expect(events.messages.map((m) => [m.key.toString('hex'), m.value])).toEqual([
      [
        '0000000000000000',
        {
          transactionId: TX,
          worldId: 0,
          characterId: 0,
          type: 'CREATION_FAILED',
          body: { name: attributes.name, message },
        },
      ],
    ]);
    await events.stop();
  });
});

describe('CREATE_CHARACTER gm and meso (K4)', () => {
  it('applies gm and meso when given, 0 when omitted (omitempty at HEAD)', async () => {
    await command(
      t,
      'CREATE_CHARACTER',
      0,
      { ...creation, name: 'RichGm', gm: 1, meso: 5000 },
      { key: 1000 },
    );
    await command(t, 'CREATE_CHARACTER', 0, { ...creation, name: 'PlainOne' }, { key: 1000 });
    await t.app.idle();
    const attributes = async (name: string) =>
      (
        (await call(t, 'GET', `/characters?name=${name}`)).body as {
          data: Array<{ attributes: Record<string, unknown> }>;
        }
      ).data[0]?.attributes;
    expect(await attributes('RichGm')).toMatchObject({ gm: 1, meso: 5000 });
    expect(await attributes('PlainOne')).toMatchObject({ gm: 0, meso: 0 });
  });

  it.each([
    ['a negative gm', { gm: -1 }],
    ['a meso past uint32', { meso: 4_294_967_296 }],
    ['a fractional meso', { meso: 1.5 }],
  ])('skips and counts %s', async (_, bad) => {
    const before = await skipped(t, TOPIC, 'schema');
    await command(t, 'CREATE_CHARACTER', 0, { ...creation, name: 'NeverBorn', ...bad }, { key: 1000 });
    await t.app.idle();
    expect(await skipped(t, TOPIC, 'schema')).toBe(before + 1);
    expect((await call(t, 'GET', '/characters?name=NeverBorn')).body).toMatchObject({ data: [] });
  });
});

describe('DELETE_CHARACTER (K3)', () => {
  it('deletes the character with its saved locations and answers DELETED in its world', async () => {
    const id = await createCharacter(t, { name: 'Doomed', worldId: 3 });
    await call(t, 'PUT', `/characters/${id}/locations/FREE_MARKET`, {
      data: { type: 'saved-locations', attributes: { mapId: 910000000, portalId: 1 } },
    });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'DELETE_CHARACTER', id, {}, { transactionId: TX, worldId: 3 });
    await t.app.idle();
    expect(events.messages.map((m) => [m.key.toString('hex'), JSON.stringify(m.value)])).toEqual([
      [
        Buffer.from([id, 0, 0, 0, 0, 0, 0, 0]).toString('hex'),
        `{"transactionId":"${TX}","worldId":3,"characterId":${id},"type":"DELETED","body":{}}`,
      ],
    ]);
    expect((await call(t, 'GET', `/characters/${id}`)).status).toBe(404);
    expect((await call(t, 'GET', `/characters/${id}/locations/FREE_MARKET`)).status).toBe(404);
    await events.stop();
  });

  it('is idempotent: a character already gone is answered with a synthetic DELETED in world 0', async () => {
    const id = await createCharacter(t, { name: 'Twice', worldId: 2 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'DELETE_CHARACTER', id, {}, { transactionId: TX, worldId: 2 });
    await t.app.idle();
    await command(t, 'DELETE_CHARACTER', id, {}, { transactionId: TX, worldId: 2 });
    await t.app.idle();
    // Never created at all, and a body Go would read as empty.
    await command(t, 'DELETE_CHARACTER', 424_242, null as unknown as Record<string, unknown>, {
      transactionId: TX,
    });
    await t.app.idle();
    expect(events.values().map((e) => [e.worldId, e.characterId, e.type, e.transactionId])).toEqual([
      [2, id, 'DELETED', TX],
      [0, id, 'DELETED', TX],
      [0, 424_242, 'DELETED', TX],
    ]);
    await events.stop();
  });

  it('answers a character deleted over REST the same way', async () => {
    const id = await createCharacter(t, { name: 'RestGone' });
    expect((await call(t, 'DELETE', `/characters/${id}`)).status).toBe(204);
    await t.app.idle();
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'DELETE_CHARACTER', id, {}, { transactionId: TX });
    await t.app.idle();
    expect(events.values()).toEqual([
      { transactionId: TX, worldId: 0, characterId: id, type: 'DELETED', body: {} },
    ]);
    await events.stop();
  });
});

describe('account deletion', () => {
  it('deletes every character of the account in every world, with the nil transaction', async () => {
    const a = await createCharacter(t, { name: 'Acct1', accountId: 77, worldId: 0 });
    const b = await createCharacter(t, { name: 'Acct2', accountId: 77, worldId: 4 });
    const kept = await createCharacter(t, { name: 'Acct3', accountId: 78 });
    const foreign = await createCharacter(t, { name: 'Acct4', accountId: 77 }, OTHER_TENANT);
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await t.app.bus.publish(
      'EVENT_TOPIC_ACCOUNT_STATUS',
      { account_id: 77, name: 'gone', status: 'LOGGED_IN' },
      {
        key: 77,
        tenant: TENANT,
      },
    );
    await t.app.bus.publish(
      'EVENT_TOPIC_ACCOUNT_STATUS',
      { account_id: 77, name: 'gone', status: 'DELETED' },
      {
        key: 77,
        tenant: TENANT,
      },
    );
    await t.app.idle();
    expect(events.values()).toEqual([
      { transactionId: NIL, worldId: 0, characterId: a, type: 'DELETED', body: {} },
      { transactionId: NIL, worldId: 4, characterId: b, type: 'DELETED', body: {} },
    ]);
    expect((await call(t, 'GET', `/characters/${kept}`)).status).toBe(200);
    expect((await call(t, 'GET', `/characters/${foreign}`, undefined, OTHER_TENANT)).status).toBe(200);
    await events.stop();
  });
});

describe('messages that cannot be handled', () => {
  it('skips and counts malformed messages, ignores other services’ types silently', async () => {
    const id = await createCharacter(t, { name: 'Sturdy' });
    const before = {
      schema: await skipped(t, TOPIC, 'schema'),
      tenant: await skipped(t, TOPIC, 'tenant'),
      unknown: await skipped(t, TOPIC, 'unknown character'),
    };
    // (Malformed JSON bytes cannot be sent through App.bus, which encodes every value; consume() owns that case.)
    await command(t, 'CHANGE_HP', id, { channelId: 1, amount: 40_000 });
    await command(t, 'AWARD_LEVEL', id, { channelId: 1, amount: -1 });
    await command(t, 'CHANGE_JOB', id, { channelId: 1 });
    await command(
      t,
      'CHANGE_HP',
      id,
      { channelId: 1, amount: 1 },
      { tenant: { ...TENANT, id: 'not-a-uuid' } },
    );
    await command(t, 'RESET_STATS', 123_456, { channelId: 1 });
    await command(t, 'SOMEONE_ELSES_COMMAND', id, { anything: true });
    await t.app.idle();
    expect(await skipped(t, TOPIC, 'schema')).toBe(before.schema + 3);
    expect(await skipped(t, TOPIC, 'tenant')).toBe(before.tenant + 1);
    expect(await skipped(t, TOPIC, 'unknown character')).toBe(before.unknown + 1);
    expect(t.app.bus.deadLetters()).toEqual([]);
    expect((await call(t, 'GET', `/characters/${id}`)).status).toBe(200);
  });
});

describe('READ_ONLY', () => {
  it('serves REST but consumes nothing', async () => {
    const readOnly = await startTestApp({ services: ['character'], env: { SERVICE_MODE: 'READ_ONLY' } });
    try {
      const id = await createCharacter(readOnly, { name: 'Reader' });
      await command(readOnly, 'CHANGE_HP', id, { channelId: 1, amount: -10 });
      await readOnly.app.idle();
      expect((await call(readOnly, 'GET', `/characters/${id}`)).body).toMatchObject({
        data: { attributes: { hp: 50 } },
      });
    } finally {
      await readOnly.app.close();
    }
  });
});
