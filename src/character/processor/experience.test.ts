import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import { attributesOf, command, createCharacter, setColumns } from '../testing/support.js';

const TX = '5b0e3f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
let t: TestApp;

beforeAll(async () => {
  // random 0: every roll takes the low end of its range, so gains are exact.
  t = await startTestApp({ services: ['character'], random: () => 0 });
});

afterAll(async () => {
  await t.app.close();
});

const award = (id: number, amount: number, transactionId = TX) =>
  command(
    t,
    'AWARD_EXPERIENCE',
    id,
    { channelId: 1, distributions: [{ experienceType: 'WHITE', amount, attr1: 0 }] },
    { transactionId },
  );

describe('AWARD_EXPERIENCE showEffect (K5)', () => {
  const awardShown = (id: number, amounts: number[], showEffect?: unknown) =>
    command(t, 'AWARD_EXPERIENCE', id, {
      channelId: 1,
      distributions: amounts.map((amount) => ({ experienceType: 'YELLOW', amount, attr1: 0 })),
      ...(showEffect === undefined ? {} : { showEffect }),
    });

  it('adds WHITE and CHAT distributions of the total when asked to show the effect', async () => {
    const id = await createCharacter(t, { name: 'Quester' });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await awardShown(id, [4, 3], true);
    await t.app.idle();
    expect(JSON.stringify(events.ofType('EXPERIENCE_CHANGED')[0]?.value)).toBe(
      `{"transactionId":"00000000-0000-0000-0000-000000000000","worldId":0,"characterId":${id},` +
        '"type":"EXPERIENCE_CHANGED","body":{"channelId":1,"current":7,"distributions":[' +
        '{"experienceType":"YELLOW","amount":4,"attr1":0},{"experienceType":"YELLOW","amount":3,"attr1":0},' +
        '{"experienceType":"WHITE","amount":7,"attr1":0},{"experienceType":"CHAT","amount":7,"attr1":0}]}}',
    );
    await events.stop();
  });

  it.each([
    ['false', 'Unshown', [5], false],
    ['absent', 'OldSender', [5], undefined],
    ['true but nothing awarded', 'Nothing', [0], true],
  ])('keeps the distributions as sent when showEffect is %s', async (_, name, amounts, showEffect) => {
    const id = await createCharacter(t, { name });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await awardShown(id, amounts, showEffect);
    await t.app.idle();
    const [changed] = events.ofType('EXPERIENCE_CHANGED');
    expect(changed?.value).toMatchObject({ body: { distributions: [expect.anything()] } });
    expect((changed!.value as { body: { distributions: unknown[] } }).body.distributions).toEqual([
      { experienceType: 'YELLOW', amount: amounts[0], attr1: 0 },
    ]);
    await events.stop();
  });
});

describe('experience award → level-up chain', () => {
  it('emits the whole chain with the transaction id flowing through', async () => {
    const id = await createCharacter(t, { name: 'Chain' });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const commands = record(t.app, 'COMMAND_TOPIC_CHARACTER');
    await award(id, 50);
    await t.app.idle();
    expect(commands.values()).toEqual([
      expect.objectContaining({ type: 'AWARD_EXPERIENCE' }),
      {
        transactionId: TX,
        worldId: 0,
        characterId: id,
        type: 'AWARD_LEVEL',
        body: { channelId: 1, amount: 2 },
      },
    ]);
    expect(events.values()).toEqual([
      {
        transactionId: TX,
        worldId: 0,
        characterId: id,
        type: 'EXPERIENCE_CHANGED',
        body: {
          channelId: 1,
          current: 1,
          distributions: [{ experienceType: 'WHITE', amount: 50, attr1: 0 }],
        },
      },
      expect.objectContaining({
        type: 'STAT_CHANGED',
        body: expect.objectContaining({ updates: ['EXPERIENCE'] }),
      }),
      expect.objectContaining({ type: 'LEVEL_CHANGED', body: { channelId: 1, amount: 2, current: 3 } }),
      expect.objectContaining({
        type: 'STAT_CHANGED',
        body: expect.objectContaining({ updates: ['LEVEL'] }),
      }),
      expect.objectContaining({
        type: 'STAT_CHANGED',
        body: expect.objectContaining({ values: expect.any(Object) }),
      }),
    ]);
    expect(events.values().every((e) => e.transactionId === TX)).toBe(true);
    // Levels 2 and 3 of a GMS v83 beginner: STR +5 twice instead of AP, one SP each, HP 12 and MP 10 each.
    expect(await attributesOf(t, id)).toMatchObject({
      level: 3,
      experience: 1,
      ap: 0,
      sp: '2,0,0,0,0,0,0,0,0,0',
      strength: 22,
      hp: 74,
      maxHp: 74,
      mp: 25,
      maxMp: 25,
    });
    await events.stop();
    await commands.stop();
  });

  it('writes the exact STAT_CHANGED of a level-up', async () => {
    const id = await createCharacter(t, { name: 'Exact' });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    // Reaching the requirement exactly levels up (B5).
    await award(id, 15);
    await t.app.idle();
    const gains = events.messages.at(-1)!;
    expect(gains.key.toString('hex')).toBe(Buffer.from([id, 0, 0, 0, 0, 0, 0, 0]).toString('hex'));
    expect(gains.headers.TENANT_ID?.toString()).toBe(TENANT.id);
    expect(gains.headers.MAJOR_VERSION?.toString('hex')).toBe('0053');
    expect(JSON.stringify(gains.value)).toBe(
      `{"transactionId":"${TX}","worldId":0,"characterId":${id},"type":"STAT_CHANGED","body":{"channelId":1,` +
        '"exclRequestSent":true,"updates":["AVAILABLE_AP","AVAILABLE_SP","HP","MAX_HP","MP","MAX_MP","STRENGTH"],' +
        '"values":{"intelligence":4,"max_hp":62,"max_mp":15,"strength":17}}}',
    );
    await events.stop();
  });

  it('gives each level its own rules (Cygnus AP by level) and rolls per level', async () => {
    const id = await createCharacter(t, { name: 'Knight', jobId: 1100, level: 10 });
    await award(id, 1242 + 1573 + 2144);
    await t.app.idle();
    // Levels 11, 12, 13 of a Dawn Warrior: 7 AP each, 3 SP each, HP 24 and MP 4 each.
    expect(await attributesOf(t, id)).toMatchObject({
      level: 13,
      ap: 21,
      sp: '9,0,0,0,0,0,0,0,0,0',
      maxHp: 122,
    });
  });

  it('counts levels already earned but not yet granted when a second award arrives right behind', async () => {
    const id = await createCharacter(t, { name: 'Quick', level: 10 });
    await setColumns(t, id, { experience: 1200 });
    // Both awards are queued before the first one's AWARD_LEVEL (it leaves through the outbox afterwards).
    await award(id, 100);
    await award(id, 1200);
    await t.app.idle();
    // 1200 + 100 reaches level 11 with 58; + 1200 = 1258, short of level 11's 1573.
    expect(await attributesOf(t, id)).toMatchObject({ level: 11, experience: 1258 });
  });

  it('stops at level 200 and keeps the experience beyond it (B5)', async () => {
    const id = await createCharacter(t, { name: 'Capped', level: 199 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await award(id, 1_608_855_764 + 1_697_021_059 + 5);
    await t.app.idle();
    expect(events.ofType('LEVEL_CHANGED').map((m) => (m.value as { body: unknown }).body)).toEqual([
      { channelId: 1, amount: 1, current: 200 },
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ level: 200, experience: 1_697_021_064 });
    await events.stop();
  });

  it('answers AWARD_LEVEL at the cap with LEVEL_CHANGED amount 0 and no gains', async () => {
    const id = await createCharacter(t, { name: 'Maxed', level: 200, jobId: 100 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'AWARD_LEVEL', id, { channelId: 2, amount: 3 });
    await t.app.idle();
    expect(events.values().map((e) => [e.type, e.body])).toEqual([
      ['LEVEL_CHANGED', { channelId: 2, amount: 0, current: 200 }],
      ['STAT_CHANGED', { channelId: 2, exclRequestSent: true, updates: ['LEVEL'] }],
    ]);
    expect(await attributesOf(t, id)).toMatchObject({ level: 200, maxHp: 50 });
    await events.stop();
  });

  it('adds Evan SP to the book of the Evan stage, keeping the others (B4)', async () => {
    const id = await createCharacter(t, { name: 'Dragon', jobId: 2212, level: 30 });
    await setColumns(t, id, { sp: '1, 2, 3, 4, 5, 6, 7, 8, 9, 10' });
    await command(t, 'AWARD_LEVEL', id, { channelId: 1, amount: 1 });
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ sp: '1,2,3,7,5,6,7,8,9,10' });
  });

  it('deducts experience down to 0, never a level, echoing the requested amount', async () => {
    const id = await createCharacter(t, { name: 'Mortal', level: 5 });
    await setColumns(t, id, { experience: 30 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'DEDUCT_EXPERIENCE', id, { channelId: 1, amount: 100 });
    await t.app.idle();
    expect(events.values()[0]).toMatchObject({
      type: 'EXPERIENCE_CHANGED',
      body: { channelId: 1, current: 0, distributions: [{ experienceType: 'DEATH', amount: 100, attr1: 0 }] },
    });
    expect(await attributesOf(t, id)).toMatchObject({ level: 5, experience: 0 });
    await events.stop();
  });
});

describe('job change → advancement gains', () => {
  it.each([
    ['first job (warrior)', 100, 0, 200, 0],
    ['second job (fighter): the 2nd-4th job row (B7)', 110, 0, 300, 0],
    ['first job (magician)', 200, 0, 0, 100],
    ['second job (wizard)', 210, 0, 0, 450],
    ['Cygnus first job: 7 AP', 1100, 7, 200, 0],
    ['first job (bowman)', 300, 0, 100, 25],
    ['second job (hunter): the 2nd-4th job row, not the 1st-job one (B7)', 310, 0, 300, 150],
  ])('%s', async (_, jobId, ap, hp, mp) => {
    const id = await createCharacter(t, { name: `Job${jobId}`, level: 30, maxHp: 500, maxMp: 100 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await command(t, 'CHANGE_JOB', id, { channelId: 3, jobId }, { transactionId: TX });
    await t.app.idle();
    expect(events.values().map((e) => e.type)).toEqual(['JOB_CHANGED', 'STAT_CHANGED', 'STAT_CHANGED']);
    expect(events.values()[0]).toMatchObject({ transactionId: TX, body: { channelId: 3, jobId } });
    expect(events.values()[2]).toMatchObject({
      transactionId: TX,
      body: {
        updates: ['AVAILABLE_AP', 'AVAILABLE_SP', 'HP', 'MAX_HP', 'MP', 'MAX_MP'],
        values: { intelligence: 4, max_hp: 500 + hp, max_mp: 100 + mp },
      },
    });
    expect(await attributesOf(t, id)).toMatchObject({
      jobId,
      ap,
      maxHp: 500 + hp,
      hp: 500 + hp,
      mp: 100 + mp,
    });
    await events.stop();
  });

  it('never passes 30000 max HP (B7)', async () => {
    const id = await createCharacter(t, { name: 'Titan', level: 100, maxHp: 29_900 });
    await command(t, 'CHANGE_JOB', id, { channelId: 1, jobId: 110 });
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ maxHp: 30_000 });
  });
});
