import { describe, expect, it } from 'vitest';
import { type ApCharacter, type ApContext, type ApEntry, distributeAp, isAbility } from './ap.js';

const fighter: ApCharacter = {
  jobId: 110,
  ap: 10,
  strength: 100,
  dexterity: 30,
  intelligence: 4,
  luck: 4,
  maxHp: 1000,
  maxMp: 200,
  hpMpUsed: 3,
};

const context: ApContext = { effectiveIntelligence: 25, hpSkillBonus: 0, mpSkillBonus: 0 };

const entry = (ability: string, amount = 1): ApEntry => ({ ability, amount });

describe('distributeAp', () => {
  it.each([
    ['STRENGTH', { strength: 101 }, 'STRENGTH', { strength: 101 }],
    ['DEXTERITY', { dexterity: 31 }, 'DEXTERITY', { dexterity: 31 }],
    ['INTELLIGENCE', { intelligence: 5 }, 'INTELLIGENCE', { intelligence: 5 }],
    ['LUCK', { luck: 5 }, 'LUCK', { luck: 5 }],
    ['HP', { maxHp: 1020, hpMpUsed: 4 }, 'MAX_HP', { max_hp: 1020 }],
    ['MP', { maxMp: 205, hpMpUsed: 4 }, 'MAX_MP', { max_mp: 205 }],
  ])('one point into %s', (ability, changes, stat, values) => {
    expect(distributeAp(fighter, [entry(ability)], context)).toEqual({
      ok: true,
      changes: { ...changes, ap: 9 },
      updates: [stat, 'AVAILABLE_AP'],
      values,
    });
  });

  it('adds one increment per point into HP', () => {
    const result = distributeAp(fighter, [entry('HP', 2)], context);
    expect(result).toMatchObject({ ok: true, changes: { maxHp: 1040, hpMpUsed: 5, ap: 8 } });
  });

  it('adds INT and skill bonuses to every MP point', () => {
    const mage = { ...fighter, jobId: 210, maxMp: 500 };
    const result = distributeAp(mage, [entry('MP', 3)], { ...context, mpSkillBonus: 2 });
    expect(result).toMatchObject({ ok: true, changes: { maxMp: 500 + 3 * (18 + 3 + 2) } });
  });

  it('adds the HP skill bonus to every HP point', () => {
    const result = distributeAp(fighter, [entry('HP', 2)], { ...context, hpSkillBonus: 15 });
    expect(result).toMatchObject({ ok: true, values: { max_hp: 1070 } });
  });

  it('accumulates repeated abilities and lists each once, in entry order', () => {
    const result = distributeAp(
      fighter,
      [entry('DEXTERITY', 2), entry('STRENGTH'), entry('DEXTERITY', 3)],
      context,
    );
    expect(result).toEqual({
      ok: true,
      changes: { dexterity: 35, strength: 101, ap: 4 },
      updates: ['DEXTERITY', 'STRENGTH', 'AVAILABLE_AP'],
      values: { dexterity: 35, strength: 101 },
    });
  });

  it('spends all AP when asked exactly', () => {
    const result = distributeAp(fighter, [entry('STRENGTH', 4), entry('HP', 6)], context);
    expect(result).toMatchObject({ ok: true, changes: { strength: 104, maxHp: 1120, hpMpUsed: 9, ap: 0 } });
  });

  it('ignores entries without a positive amount', () => {
    const result = distributeAp(fighter, [entry('LUCK', 0), entry('STRENGTH'), entry('HP', -2)], context);
    expect(result).toMatchObject({
      ok: true,
      changes: { strength: 101, ap: 9 },
      updates: ['STRENGTH', 'AVAILABLE_AP'],
    });
  });

  it.each<[string, ApCharacter, ApEntry[], string]>([
    ['no entries', fighter, [], 'invalid ability'],
    ['only zero amounts', fighter, [entry('STRENGTH', 0)], 'invalid ability'],
    ['an unknown ability', fighter, [entry('STRENGTH'), entry('CHARM')], 'invalid ability'],
    ['more points than AP', fighter, [entry('STRENGTH', 11)], 'not enough ap'],
    [
      'a sum above AP over several entries',
      fighter,
      [entry('STRENGTH', 6), entry('LUCK', 5)],
      'not enough ap',
    ],
    ['no AP at all', { ...fighter, ap: 0 }, [entry('STRENGTH')], 'not enough ap'],
    ['STR beyond 32767', { ...fighter, strength: 32_767 }, [entry('STRENGTH')], 'stat at maximum'],
    ['LUK crossing 32767', { ...fighter, luck: 32_760 }, [entry('LUCK', 8)], 'stat at maximum'],
    ['max HP at 30000', { ...fighter, maxHp: 30_000 }, [entry('HP')], 'max ap to hp'],
    ['max MP at 30000', { ...fighter, maxMp: 30_000 }, [entry('MP', 2)], 'max ap to mp'],
    ['HP/MP points used up', { ...fighter, hpMpUsed: 10_000 }, [entry('HP')], 'max ap to hp'],
    ['HP/MP points running out', { ...fighter, hpMpUsed: 9_999 }, [entry('MP', 2)], 'max ap to mp'],
  ])('refuses %s', (_, character, entries, reason) => {
    expect(distributeAp(character, entries, context)).toEqual({ ok: false, reason });
  });

  it('refuses the whole request when one entry passes a cap', () => {
    const atCap = { ...fighter, maxMp: 30_000 };
    expect(distributeAp(atCap, [entry('STRENGTH'), entry('MP')], context)).toEqual({
      ok: false,
      reason: 'max ap to mp',
    });
  });

  it.each([
    ['HP', { ...fighter, maxHp: 29_990 }, [entry('HP')], { maxHp: 30_000, hpMpUsed: 4, ap: 9 }],
    ['MP', { ...fighter, maxMp: 29_999 }, [entry('MP')], { maxMp: 30_000, hpMpUsed: 4, ap: 9 }],
    ['HP by several points', { ...fighter, maxHp: 29_970 }, [entry('HP', 3)], { maxHp: 30_000, ap: 7 }],
    [
      'HP over repeated entries',
      { ...fighter, maxHp: 29_990 },
      [entry('HP'), entry('HP')],
      { maxHp: 30_000, hpMpUsed: 5, ap: 8 },
    ],
  ])('caps max %s at 30000 instead of refusing', (_, character, entries, changes) => {
    expect(distributeAp(character, entries, context)).toMatchObject({ ok: true, changes });
  });

  it('lands exactly on the caps', () => {
    const nearCap = { ...fighter, maxHp: 29_980, strength: 32_766, hpMpUsed: 9_999 };
    expect(distributeAp(nearCap, [entry('HP'), entry('STRENGTH')], context)).toMatchObject({
      ok: true,
      changes: { maxHp: 30_000, strength: 32_767, hpMpUsed: 10_000 },
    });
  });
});

describe('isAbility', () => {
  it.each([
    ['STRENGTH', true],
    ['MP', true],
    ['strength', false],
    ['MAX_HP', false],
  ])('%s is an ability: %s', (value, expected) => {
    expect(isAbility(value)).toBe(expected);
  });
});
