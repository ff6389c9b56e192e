/** The stat names a STAT_CHANGED event lists in `updates` (character.md §6.6), as the client knows them. */
export const STAT_TYPES = [
  'SKIN',
  'FACE',
  'HAIR',
  'PET_SN_1',
  'LEVEL',
  'JOB',
  'STRENGTH',
  'DEXTERITY',
  'INTELLIGENCE',
  'LUCK',
  'HP',
  'MAX_HP',
  'MP',
  'MAX_MP',
  'AVAILABLE_AP',
  'AVAILABLE_SP',
  'EXPERIENCE',
  'FAME',
  'MESO',
  'PET_SN_2',
  'PET_SN_3',
  'GACHAPON_EXPERIENCE',
] as const;

export type StatType = (typeof STAT_TYPES)[number];

/** Named constants, so that call sites read `Stat.MAX_HP` and a typo fails to compile. */
export const Stat = Object.fromEntries(STAT_TYPES.map((type) => [type, type])) as {
  readonly [T in StatType]: T;
};

/** The keys of a STAT_CHANGED event's `values` object: snake_case on the wire. */
export type StatValueKey =
  | 'strength'
  | 'dexterity'
  | 'intelligence'
  | 'luck'
  | 'hp'
  | 'max_hp'
  | 'mp'
  | 'max_mp';

export type StatValues = Partial<Record<StatValueKey, number>>;
