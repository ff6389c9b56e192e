import { describe, expect, it } from 'vitest';
import { STAT_TYPES, Stat } from './stat-types.js';

describe('stat types', () => {
  it('lists the 22 wire names in the reference order', () => {
    expect(STAT_TYPES).toHaveLength(22);
    expect(STAT_TYPES[0]).toBe('SKIN');
    expect(STAT_TYPES[21]).toBe('GACHAPON_EXPERIENCE');
  });

  it.each(STAT_TYPES.map((type) => [type]))('names %s after itself', (type) => {
    expect(Stat[type]).toBe(type);
  });
});
