import { UINT32_MAX } from './limits.js';

export const MAX_LEVEL = 200;

/**
 * EXP[level]: the experience needed at `level` to reach `level + 1` (index 0 unused).
 * Index 163 repeats index 162 (223471711). The usual v83 value would be 235718012, but every common
 * client table shares the repeat, so the server must agree with the client's experience bar.
 */
// biome-ignore format: one row of ten levels per line, as in the specification
export const EXPERIENCE_TABLE: readonly number[] = [
  15, 15, 34, 57, 92, 135, 372, 560, 840, 1144,
  1242, 1573, 2144, 2800, 3640, 4700, 5893, 7360, 9144, 11120,
  13477, 16268, 19320, 22880, 27008, 31477, 36600, 42444, 48720, 55813,
  63800, 86784, 98208, 110932, 124432, 139372, 155865, 173280, 192400, 213345,
  235372, 259392, 285532, 312928, 342624, 374760, 408336, 445544, 483532, 524160,
  567772, 598886, 631704, 666321, 702836, 741351, 781976, 824828, 870028, 917625,
  967995, 1021041, 1076994, 1136013, 1198266, 1263930, 1333194, 1406252, 1483314, 1564600,
  1650340, 1740778, 1836173, 1936794, 2042930, 2154882, 2272970, 2397528, 2528912, 2667496,
  2813674, 2967863, 3130502, 3302053, 3483005, 3673873, 3875201, 4087562, 4311559, 4547832,
  4797053, 5059931, 5337215, 5629694, 5938202, 6263614, 6606860, 6968915, 7350811, 7753635,
  8178534, 8626718, 9099462, 9598112, 10124088, 10678888, 11264090, 11881362, 12532461, 13219239,
  13943653, 14707765, 15513750, 16363902, 17260644, 18206527, 19204245, 20256637, 21366700, 22537594,
  23772654, 25075395, 26449526, 27898960, 29427822, 31040466, 32741483, 34535716, 36428273, 38424542,
  40530206, 42751262, 45094030, 47565183, 50171755, 52921167, 55821246, 58880250, 62106888, 65510344,
  69100311, 72887008, 76881216, 81094306, 85594273, 90225770, 95170142, 100385466, 105886589, 111689174,
  117809740, 124265714, 131075474, 138258410, 145834970, 153826726, 162256430, 171148082, 180526997, 190419876,
  200854885, 211861732, 223471711, 223471711, 248635353, 262260570, 276632449, 291791906, 307782102, 324648562,
  342439302, 361204976, 380999008, 401877754, 423900654, 447130410, 471633156, 497478653, 524740482, 553496261,
  583827855, 615821622, 649568646, 685165008, 722712050, 762316670, 804091623, 848155844, 894634784, 943660770,
  995373379, 1049919840, 1107455447, 1168144006, 1232158297, 1299680571, 1370903066, 1446028554, 1525246918, 1608855764,
  1697021059,
];

/** The reference's requirement for levels outside the table. */
const BEYOND_TABLE = 2_000_000_000;

export function experienceToNextLevel(level: number): number {
  return EXPERIENCE_TABLE[level] ?? BEYOND_TABLE;
}

export interface ExperienceState {
  readonly level: number;
  readonly experience: number;
}

export interface ExperienceAward {
  readonly experience: number;
  readonly levelsGained: number;
}

/**
 * Adds experience and spends it on as many levels as it reaches. Unlike the reference, reaching the
 * requirement exactly levels up (`>=`), and the loop stops at level 200 so no experience is spent on
 * levels that AwardLevel would then refuse; what remains is kept (up to the uint32 column maximum).
 */
export function awardExperience(state: ExperienceState, amount: number): ExperienceAward {
  let experience = state.experience + amount;
  let level = state.level;
  while (level < MAX_LEVEL && experience >= experienceToNextLevel(level)) {
    experience -= experienceToNextLevel(level);
    level += 1;
  }
  return { experience: Math.min(experience, UINT32_MAX), levelsGained: level - state.level };
}

/** The number of levels actually granted: never beyond 200 (the reference's uint8 sum could wrap past it). */
export function awardLevel(level: number, amount: number): number {
  return Math.max(0, Math.min(amount, MAX_LEVEL - level));
}

/** Dying costs experience but never a level: experience stops at 0. */
export function deductExperience(experience: number, amount: number): number {
  return Math.max(0, experience - amount);
}
