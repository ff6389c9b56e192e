import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, startTestApp, type TestApp } from '../../../test/support/app.js';
import { attributesOf, command, createCharacter, setColumns, skipped } from '../testing/support.js';

let t: TestApp;
let refusals = 0;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
});

afterAll(async () => {
  await t.app.close();
});

async function statChanges(run: () => Promise<void>) {
  const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
  await run();
  await t.app.idle();
  await events.stop();
  return events.values().map((e) => [e.type, e.worldId, e.body]);
}

const ap = (id: number, distributions: Array<[string, number]>) =>
  command(t, 'REQUEST_DISTRIBUTE_AP', id, {
    distributions: distributions.map(([ability, amount]) => ({ ability, amount })),
  });

describe('REQUEST_DISTRIBUTE_AP (B6)', () => {
  it('spends the points and answers the changed stats', async () => {
    const id = await createCharacter(t, { name: 'Builder', jobId: 110, worldId: 1 });
    await setColumns(t, id, { ap: 10 });
    const changes = await statChanges(() =>
      ap(id, [
        ['STRENGTH', 2],
        ['HP', 2],
        ['STRENGTH', 1],
      ]),
    );
    expect(changes).toEqual([
      [
        'STAT_CHANGED',
        1,
        {
          channelId: 0,
          exclRequestSent: true,
          updates: ['STRENGTH', 'MAX_HP', 'AVAILABLE_AP'],
          values: { max_hp: 90, strength: 15 },
        },
      ],
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ ap: 5, strength: 15, maxHp: 90, hpMpUsed: 2 });
  });

  it.each([
    ['more points than AP', [['STRENGTH', 3]]],
    ['an unknown ability', [['CHARM', 1]]],
    ['nothing to spend', []],
  ] as Array<[string, Array<[string, number]>]>)(
    'answers %s with an empty STAT_CHANGED',
    async (_, entries) => {
      const id = await createCharacter(t, { name: `Refused${++refusals}` });
      await setColumns(t, id, { ap: 2 });
      expect(await statChanges(() => ap(id, entries))).toEqual([
        ['STAT_CHANGED', 0, { channelId: 0, exclRequestSent: true, updates: [] }],
      ]);
      expect(await attributesOf(t, id)).toMatchObject({ ap: 2, strength: 12 });
    },
  );

  it('caps max HP at 30000 rather than refusing', async () => {
    const id = await createCharacter(t, { name: 'NearCap', maxHp: 29_995 });
    await setColumns(t, id, { ap: 1 });
    await ap(id, [['HP', 1]]);
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ maxHp: 30_000, ap: 0 });
  });

  it('answers a missing character with an empty STAT_CHANGED, and counts it', async () => {
    expect(await statChanges(() => ap(999_999, [['LUCK', 1]]))).toEqual([
      ['STAT_CHANGED', 0, { channelId: 0, exclRequestSent: true, updates: [] }],
    ]);
    expect(await skipped(t, 'COMMAND_TOPIC_CHARACTER', 'unknown character')).toBeGreaterThanOrEqual(1);
  });
});

describe('REQUEST_DISTRIBUTE_SP', () => {
  it('spends SP from the skill’s book and asks the skills service to create the skill', async () => {
    const id = await createCharacter(t, { name: 'Learner', jobId: 100 });
    await setColumns(t, id, { sp: '5,0,0,0,0,0,0,0,0,0' });
    const skills = record(t.app, 'COMMAND_TOPIC_SKILL');
    const changes = await statChanges(() =>
      command(t, 'REQUEST_DISTRIBUTE_SP', id, { skilId: 1_000_001, amount: 2 }),
    );
    expect(changes).toEqual([
      ['STAT_CHANGED', 0, { channelId: 0, exclRequestSent: true, updates: ['AVAILABLE_SP'] }],
    ]);
    expect(skills.messages[0]?.key.readUInt32LE(0)).toBe(id);
    expect(JSON.stringify(skills.values()[0])).toBe(
      `{"characterId":${id},"type":"REQUEST_CREATE","body":{"skillId":1000001,"level":2,"masterLevel":0,` +
        '"expiration":"0001-01-01T00:00:00Z"}}',
    );
    expect(await attributesOf(t, id)).toMatchObject({ sp: '3,0,0,0,0,0,0,0,0,0' });
    await skills.stop();
  });

  it('refuses spending more SP than the book holds with an empty STAT_CHANGED', async () => {
    const id = await createCharacter(t, { name: 'Broke', jobId: 100 });
    expect(
      await statChanges(() => command(t, 'REQUEST_DISTRIBUTE_SP', id, { skilId: 1_000_001, amount: 1 })),
    ).toEqual([['STAT_CHANGED', 0, { channelId: 0, exclRequestSent: true, updates: [] }]]);
  });
});

describe('fame, stat reset, looks', () => {
  it('changes fame within int16', async () => {
    const id = await createCharacter(t, { name: 'Famous' });
    await setColumns(t, id, { fame: 32_760 });
    const changes = await statChanges(() =>
      command(t, 'REQUEST_CHANGE_FAME', id, { actorId: 3, actorType: 'CHARACTER', amount: 100 }),
    );
    expect(changes.map(([type, , body]) => [type, body])).toEqual([
      ['FAME_CHANGED', { actorId: 3, actorType: 'CHARACTER', amount: 100 }],
      ['STAT_CHANGED', { channelId: 0, exclRequestSent: true, updates: ['FAME'] }],
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ fame: 32_767 });
  });

  it('returns every point above 4 as AP', async () => {
    const id = await createCharacter(t, { name: 'Reset', strength: 30, dexterity: 10, intelligence: 3 });
    const changes = await statChanges(() => command(t, 'RESET_STATS', id, { channelId: 2 }));
    expect(changes).toEqual([
      [
        'STAT_CHANGED',
        0,
        {
          channelId: 2,
          exclRequestSent: true,
          updates: ['AVAILABLE_AP', 'STRENGTH', 'DEXTERITY', 'INTELLIGENCE', 'LUCK'],
          values: { dexterity: 4, intelligence: 4, luck: 4, strength: 4 },
        },
      ],
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ ap: 32, strength: 4, intelligence: 4 });
  });

  it.each([
    ['CHANGE_HAIR', 30_120, 'HAIR_CHANGED', { oldHair: 30030, newHair: 30120 }, 'HAIR', { hair: 30_120 }],
    ['CHANGE_FACE', 20_005, 'FACE_CHANGED', { oldFace: 20000, newFace: 20005 }, 'FACE', { face: 20_005 }],
    ['CHANGE_SKIN', 4, 'SKIN_COLOR_CHANGED', { oldSkinColor: 0, newSkinColor: 4 }, 'SKIN', { skinColor: 4 }],
  ])('%s', async (type, styleId, event, body, stat, stored) => {
    const id = await createCharacter(t, { name: `Look${type.length}${styleId}` });
    const changes = await statChanges(() => command(t, type, id, { channelId: 1, styleId }));
    expect(changes.map(([e, , b]) => [e, b])).toEqual([
      [event, body],
      ['STAT_CHANGED', { channelId: 1, exclRequestSent: true, updates: [stat] }],
    ]);
    expect(await attributesOf(t, id)).toMatchObject(stored);
  });
});

describe('HP and MP (B8)', () => {
  it('dies only on the blow that reaches 0', async () => {
    const id = await createCharacter(t, { name: 'Fragile', mapId: 100 });
    const changes = await statChanges(async () => {
      await command(t, 'CHANGE_HP', id, { channelId: 1, amount: -30 });
      await command(t, 'CHANGE_HP', id, { channelId: 1, amount: -30 });
      await command(t, 'CHANGE_HP', id, { channelId: 1, amount: -30 });
    });
    expect(changes.map(([type, , body]) => [type, body])).toEqual([
      ['STAT_CHANGED', { channelId: 1, exclRequestSent: true, updates: ['HP'] }],
      ['DIED', { channelId: 1, mapId: 100, killerId: 0, killerType: 'UNKNOWN' }],
      ['STAT_CHANGED', { channelId: 1, exclRequestSent: true, updates: ['HP'] }],
      ['STAT_CHANGED', { channelId: 1, exclRequestSent: true, updates: ['HP'] }],
    ]);
  });

  it('heals in wide arithmetic up to max HP, never wrapping into death', async () => {
    const id = await createCharacter(t, { name: 'Sturdy', maxHp: 30_000 });
    await command(t, 'CHANGE_HP', id, { channelId: 1, amount: 5_000 });
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ hp: 30_000 });
  });

  it('sets, changes and clamps within bounds', async () => {
    const id = await createCharacter(t, { name: 'Vital', maxHp: 500, maxMp: 300 });
    await command(t, 'SET_HP', id, { channelId: 1, amount: 900 });
    await command(t, 'CHANGE_MP', id, { channelId: 1, amount: -400 });
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ hp: 500, mp: 0 });
    const changes = await statChanges(async () => {
      await command(t, 'CLAMP_HP', id, { channelId: 1, maxValue: 200 });
      await command(t, 'CLAMP_MP', id, { channelId: 1, maxValue: 200 });
    });
    expect(changes.map(([, , body]) => body)).toEqual([
      { channelId: 1, exclRequestSent: true, updates: ['HP'] },
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ hp: 200, mp: 0 });
  });
});
