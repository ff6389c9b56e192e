import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, startTestApp, type TestApp } from '../../../test/support/app.js';
import { type MockAtlas, mockAtlas } from '../testing/mock-atlas.js';
import { attributesOf, command, createCharacter, setColumns } from '../testing/support.js';

let atlas: MockAtlas;
let t: TestApp;
let fighter: number;
let mage: number;

const skills = (list: Array<[number, number, number]>) => ({
  data: list.map(([id, level, masterLevel]) => ({
    type: 'skills',
    id: String(id),
    attributes: { level, masterLevel, expiration: '2030-01-01T00:00:00Z' },
  })),
});
const effects = (values: Array<{ x: number; y: number }>) => ({
  data: {
    type: 'skills',
    id: '0',
    attributes: { action: false, element: '', animationTime: 0, effects: values },
  },
});

beforeAll(async () => {
  const routes: Record<string, object | number> = {
    // Improved Max HP Increase (1000001): effect x per level for level-ups, y per AP.
    'data/skills/1000001': effects([
      { x: 2, y: 1 },
      { x: 4, y: 2 },
      { x: 6, y: 3 },
    ]),
    'data/skills/2000001': 404,
  };
  atlas = await mockAtlas(routes);
  t = await startTestApp({
    services: ['character'],
    random: () => 0,
    env: {
      DATA_SERVICE_URL: atlas.url,
      SKILLS_SERVICE_URL: atlas.url,
      EFFECTIVE_STATS_SERVICE_URL: atlas.url,
    },
  });
  fighter = await createCharacter(t, { name: 'Fighter', jobId: 110, level: 30, maxHp: 1000 });
  mage = await createCharacter(t, {
    name: 'Mage',
    jobId: 210,
    level: 30,
    maxHp: 300,
    maxMp: 600,
    intelligence: 40,
  });
  routes[`characters/${fighter}/skills`] = skills([[1_000_001, 3, 10]]);
  routes[`characters/${mage}/skills`] = 500;
  routes[`worlds/0/channels/0/characters/${mage}/stats`] = {
    data: {
      type: 'effective-stats',
      id: String(mage),
      attributes: { intelligence: 95, maxHP: 300, maxMP: 600 },
    },
  };
  routes[`worlds/0/channels/1/characters/${fighter}/stats`] = {
    data: {
      type: 'effective-stats',
      id: String(fighter),
      attributes: { intelligence: 4, maxHP: 1400, maxMP: 50 },
    },
  };
});

afterAll(async () => {
  await t.app.close();
  await atlas.close();
});

describe('outbound look-ups (optional, mocked at the HTTP boundary)', () => {
  it('adds the HP skill bonus of each level-up', async () => {
    await command(t, 'AWARD_LEVEL', fighter, { channelId: 1, amount: 2 });
    await t.app.idle();
    // Two levels of a Fighter: HP 24 + skill x 6 each.
    expect(await attributesOf(t, fighter)).toMatchObject({ level: 32, maxHp: 1060 });
  });

  it('adds the HP skill bonus (effect y) to each AP point and updates an existing skill on SP spending', async () => {
    await setColumns(t, fighter, { ap: 2, sp: '4,0,0,0,0,0,0,0,0,0' });
    await command(t, 'REQUEST_DISTRIBUTE_AP', fighter, { distributions: [{ ability: 'HP', amount: 2 }] });
    const skillCommands = record(t.app, 'COMMAND_TOPIC_SKILL');
    await command(t, 'REQUEST_DISTRIBUTE_SP', fighter, { skilId: 1_000_001, amount: 2 });
    await t.app.idle();
    expect(await attributesOf(t, fighter)).toMatchObject({ maxHp: 1060 + 2 * (20 + 3) });
    expect(skillCommands.values()).toEqual([
      {
        characterId: fighter,
        type: 'REQUEST_UPDATE',
        body: { skillId: 1_000_001, level: 5, masterLevel: 10, expiration: '2030-01-01T00:00:00Z' },
      },
    ]);
    await skillCommands.stop();
  });

  it('heals up to the effective max HP', async () => {
    await command(t, 'CHANGE_HP', fighter, { channelId: 1, amount: 1000 });
    await t.app.idle();
    expect(await attributesOf(t, fighter)).toMatchObject({ hp: 1400 });
  });

  it('uses effective INT for AP into MP, and no bonus when the skills service fails', async () => {
    await setColumns(t, mage, { ap: 1 });
    await command(t, 'REQUEST_DISTRIBUTE_AP', mage, { distributions: [{ ability: 'MP', amount: 1 }] });
    await t.app.idle();
    // Magician: 18 per point + ceil(95 / 10).
    expect(await attributesOf(t, mage)).toMatchObject({ maxMp: 600 + 18 + 10 });
  });

  it('falls back to base stats when effective stats are unknown', async () => {
    await command(t, 'CHANGE_MP', mage, { channelId: 5, amount: 5000 });
    await t.app.idle();
    expect(await attributesOf(t, mage)).toMatchObject({ mp: 628 });
  });
});
