import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OTHER_TENANT,
  record,
  startTestApp,
  TENANT,
  type TestApp,
  tenantHeaders,
} from '../../../test/support/app.js';
import { expectChildSpanOf } from '../../../test/support/trace.js';
import {
  attributesOf,
  BEGINNER,
  call,
  command,
  createCharacter,
  NIL,
  skipped,
  sql,
} from '../testing/support.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
});

afterAll(async () => {
  await t.app.close();
});

describe('POST /api/characters', () => {
  it('answers 201 with the created resource in the reference attribute order', async () => {
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const answer = await call(t, 'POST', '/characters', {
      data: { type: 'characters', id: '0', attributes: { ...BEGINNER, name: 'Created' } },
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const id = (answer.body as { data: { id: string } }).data.id;
    expect(answer.text).toBe(
      `{"data":{"type":"characters","id":"${id}","attributes":{"accountId":1000,"worldId":0,"name":"Created",` +
        '"level":1,"experience":0,"gachaponExperience":0,"strength":12,"dexterity":5,"intelligence":4,"luck":4,' +
        '"hp":50,"maxHp":50,"mp":5,"maxMp":5,"meso":0,"hpMpUsed":0,"jobId":0,"skinColor":0,"gender":0,"fame":0,' +
        '"hair":30030,"face":20000,"ap":0,"sp":"0,0,0,0,0,0,0,0,0,0","mapId":10000,' +
        '"instance":"00000000-0000-0000-0000-000000000000","spawnPoint":0,"gm":0,"x":0,"y":0,"fh":0,"stance":0}}}',
    );
    await t.app.idle();
    expect(events.values()).toEqual([
      {
        transactionId: expect.any(String),
        worldId: 0,
        characterId: Number(id),
        type: 'CREATED',
        body: { name: 'Created', mapId: 10000, instance: '00000000-0000-0000-0000-000000000000' },
      },
    ]);
    await events.stop();
  });

  it("continues the caller's W3C trace in the events the request causes", async () => {
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await fetch(`${t.url}/api/characters`, {
      method: 'POST',
      headers: { ...tenantHeaders(), 'content-type': 'application/json', traceparent },
      body: JSON.stringify({ data: { type: 'characters', attributes: { ...BEGINNER, name: 'Traced' } } }),
    });
    expect(response.status).toBe(201);
    await t.app.idle();
    expect(events.messages).toHaveLength(1);
    expectChildSpanOf(events.messages[0]!.headers.traceparent, traceparent);
    expect(events.messages[0]!.headers.tracestate).toBeUndefined();
    await events.stop();
  });

  it("passes HEAD's ENVIRONMENT header from a request, and from a consumed command, to the messages they cause", async () => {
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const response = await fetch(`${t.url}/api/characters`, {
      method: 'POST',
      headers: { ...tenantHeaders(), 'content-type': 'application/json', ENVIRONMENT: 'pr-7' },
      body: JSON.stringify({ data: { type: 'characters', attributes: { ...BEGINNER, name: 'Envied' } } }),
    });
    expect(response.status).toBe(201);
    const id = Number(((await response.json()) as { data: { id: string } }).data.id);
    await t.app.idle();
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER',
      {
        transactionId: '00000000-0000-0000-0000-000000000000',
        worldId: 0,
        characterId: id,
        type: 'REQUEST_CHANGE_MESO',
        body: { actorId: 0, actorType: 'SYSTEM', amount: 5 },
      },
      { key: id, tenant: TENANT, headers: { ENVIRONMENT: Buffer.from('main') } },
    );
    await t.app.idle();
    expect(
      events.messages.map((m) => [
        m.value && (m.value as { type: string }).type,
        m.headers.ENVIRONMENT?.toString(),
      ]),
    ).toEqual([
      ['CREATED', 'pr-7'],
      ['MESO_CHANGED', 'main'],
      ['STAT_CHANGED', 'main'],
    ]);
    await events.stop();
  });

  it('accepts a document without data.id', async () => {
    const answer = await call(t, 'POST', '/characters', {
      data: { type: 'characters', attributes: { ...BEGINNER, name: 'NoId' } },
    });
    expect(answer.status).toBe(201);
  });

  it.each([
    ['a taken name', 'Created'],
    ['a case variant of a taken name', 'CREATED'],
    ['a name too short', 'Ab'],
    ['a name too long', 'ThisNameIsTooLong'],
    ['a name with symbols', 'Test@Name!'],
  ])('refuses %s with 400', async (_, name) => {
    const answer = await call(t, 'POST', '/characters', {
      data: { type: 'characters', attributes: { ...BEGINNER, name } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ status: '400', detail: 'blocked name' }] });
  });

  it.each([0, 201])('refuses level %i', async (level) => {
    const answer = await call(t, 'POST', '/characters', {
      data: { type: 'characters', attributes: { ...BEGINNER, name: `Level${level}`, level } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ detail: 'invalid level' }] });
  });

  it('creates exactly one character when 50 clients ask for one name at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(t, 'POST', '/characters', {
          data: {
            type: 'characters',
            attributes: { ...BEGINNER, accountId: i, name: i % 2 ? 'Racer' : 'RACER' },
          },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(49);
    const list = await call(t, 'GET', '/characters?name=racer');
    expect((list.body as { data: unknown[] }).data).toHaveLength(1);
  });
});

describe('GET /api/characters/{id}', () => {
  it('answers 404 for a missing character and for another tenant', async () => {
    const id = await createCharacter(t, { name: 'Private' });
    expect((await call(t, 'GET', '/characters/999999')).status).toBe(404);
    const other = await call(t, 'GET', `/characters/${id}`, undefined, OTHER_TENANT);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ errors: [{ status: '404' }] });
  });

  it('keeps sparse fieldsets, keys sorted as api2go re-marshals them', async () => {
    const id = await createCharacter(t, { name: 'Sparse', mapId: 100000000 });
    const answer = await call(t, 'GET', `/characters/${id}?fields[characters]=mapId,x,y,stance`);
    expect(answer.text).toBe(
      `{"data":{"type":"characters","id":"${id}","attributes":{"mapId":100000000,"stance":0,"x":0,"y":0}}}`,
    );
  });

  it('shows the live foothold as fh, in full and sparse documents (C3, K7); a warp resets it', async () => {
    const id = await createCharacter(t, { name: 'Footed', mapId: 100000000 });
    const move = (movement: object) =>
      t.app.bus.publish(
        'COMMAND_TOPIC_CHARACTER_MOVEMENT',
        { worldId: 0, channelId: 1, mapId: 100000000, objectId: id, observerId: id, ...movement },
        { key: id, tenant: TENANT },
      );
    await move({ x: 12, y: -40, fh: -7, stance: 5 });
    await t.app.idle();
    const sparse = await call(t, 'GET', `/characters/${id}?fields[characters]=x,y,fh,stance`);
    expect(sparse.text).toBe(
      `{"data":{"type":"characters","id":"${id}","attributes":{"fh":-7,"stance":5,"x":12,"y":-40}}}`,
    );
    expect((await call(t, 'GET', `/characters/${id}`)).text).toContain('"x":12,"y":-40,"fh":-7,"stance":5}');
    // A reference-era movement has no fh: the foothold reads 0.
    await move({ x: 13, y: -40, stance: 5 });
    // Out of int16: skipped and counted, the position stays.
    const before = await skipped(t, 'COMMAND_TOPIC_CHARACTER_MOVEMENT', 'schema');
    await move({ x: 14, y: -40, fh: 40_000, stance: 5 });
    await t.app.idle();
    expect(await skipped(t, 'COMMAND_TOPIC_CHARACTER_MOVEMENT', 'schema')).toBe(before + 1);
    expect(await attributesOf(t, id)).toMatchObject({ x: 13, fh: 0 });
    await move({ x: 14, y: -40, fh: 3, stance: 5 });
    await command(t, 'CHANGE_MAP', id, { channelId: 1, mapId: 104000000, instance: NIL, portalId: 0 });
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ x: 0, y: 0, fh: 0, stance: 5 });
  });

  it('refuses an unknown sparse field with 400', async () => {
    const id = await createCharacter(t, { name: 'Unknown' });
    const answer = await call(t, 'GET', `/characters/${id}?fields[characters]=mapId,bogus`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ source: { parameter: 'fields[characters]' } }] });
  });

  it('accepts and ignores include', async () => {
    const id = await createCharacter(t, { name: 'Include' });
    expect((await call(t, 'GET', `/characters/${id}?include=inventory`)).status).toBe(200);
  });
});

describe('database failures', () => {
  it('answer 500, never a zero character (B11)', async () => {
    const id = await createCharacter(t, { name: 'Fragile' });
    await sql(t, 'ALTER TABLE characters RENAME COLUMN sp TO sp_away');
    try {
      const answer = await call(t, 'GET', `/characters/${id}`);
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({
        errors: [{ status: '500', title: 'Internal Server Error', detail: 'internal server error' }],
      });
    } finally {
      await sql(t, 'ALTER TABLE characters RENAME COLUMN sp_away TO sp');
    }
    expect((await call(t, 'GET', `/characters/${id}`)).status).toBe(200);
  });
});
