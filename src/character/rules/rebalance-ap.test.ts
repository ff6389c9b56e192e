import { describe, expect, it } from 'vitest';
import { type RebalanceCharacter, rebalanceAp } from './rebalance-ap.js';

/** A beginner who put everything into STR and LUK, about to become a magician. */
const beginner: RebalanceCharacter = { strength: 35, dexterity: 4, intelligence: 4, luck: 14, ap: 2 };

describe('rebalanceAp', () => {
  it.each([
    [
      'no targets: everything back as AP',
      [],
      { strength: 4, dexterity: 4, intelligence: 4, luck: 4, ap: 43 },
    ],
    [
      'a magician’s INT 20',
      [{ stat: 'intelligence', floor: 20 }],
      { strength: 4, dexterity: 4, intelligence: 20, luck: 4, ap: 27 },
    ],
    [
      'a warrior’s STR 35, DEX 4',
      [
        { stat: 'strength', floor: 35 },
        { stat: 'dexterity', floor: 4 },
      ],
      { strength: 35, dexterity: 4, intelligence: 4, luck: 4, ap: 12 },
    ],
    [
      'spending every point',
      [
        { stat: 'dexterity', floor: 25 },
        { stat: 'luck', floor: 26 },
      ],
      { strength: 4, dexterity: 25, intelligence: 4, luck: 26, ap: 0 },
    ],
  ])('%s', (_, targets, stats) => {
    expect(rebalanceAp(beginner, targets)).toEqual({ ok: true, stats });
  });

  it('reclaims nothing from a stat already below 4', () => {
    expect(rebalanceAp({ ...beginner, strength: 3 }, [])).toMatchObject({ stats: { strength: 4, ap: 12 } });
  });

  it.each([
    ['more than the AP there is', [{ stat: 'luck', floor: 48 }], 'not enough ap'],
    ['an unknown stat', [{ stat: 'STRENGTH', floor: 10 }], 'invalid target'],
    ['a floor below 4', [{ stat: 'luck', floor: 3 }], 'invalid target'],
    ['a floor past 32767', [{ stat: 'luck', floor: 32_768 }], 'invalid target'],
    [
      'a stat named twice',
      [
        { stat: 'luck', floor: 5 },
        { stat: 'luck', floor: 6 },
      ],
      'invalid target',
    ],
  ])('refuses %s', (_, targets, reason) => {
    expect(rebalanceAp(beginner, targets)).toMatchObject({ ok: false, reason });
  });

  it('refuses an AP total past uint16 instead of wrapping it', () => {
    const rich = { strength: 32_767, dexterity: 32_767, intelligence: 4, luck: 4, ap: 100 };
    expect(rebalanceAp(rich, [])).toMatchObject({ ok: false, reason: 'ap overflow' });
  });
});
