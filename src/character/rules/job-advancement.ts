import { isA, isBeginner, isCygnus, isEvan, isFirstJob, isFourthJob, isWarrior, Job } from './jobs.js';
import { type Random, randInt } from './random.js';

export interface JobAdvancementGains {
  readonly ap: number;
  readonly sp: number;
  readonly hpGain: number;
  readonly mpGain: number;
}

interface HpMpBonus {
  readonly hpGain: number;
  readonly mpGain: number;
}

const NO_BONUS: HpMpBonus = { hpGain: 0, mpGain: 0 };

/**
 * The intended table (decisions B7): first job and 2nd-4th job rows. The reference tested the family
 * before the advancement, so its 2nd-4th job rows were unreachable and every advancement got the
 * first-job bonus. Rolls HP before MP.
 */
function hpMpBonus(jobId: number, random: Random): HpMpBonus {
  const first = isFirstJob(jobId);
  if (isWarrior(jobId)) {
    return { hpGain: first ? randInt(random, 200, 250) : randInt(random, 300, 350), mpGain: 0 };
  }
  if (isA(jobId, Job.MAGICIAN, Job.BLAZE_WIZARD_1, Job.EVAN_1)) {
    return { hpGain: 0, mpGain: first ? randInt(random, 100, 150) : randInt(random, 450, 500) };
  }
  const explorerLike = [Job.BOWMAN, Job.ROGUE, Job.PIRATE];
  const knightLike = [Job.WIND_ARCHER_1, Job.NIGHT_WALKER_1, Job.THUNDER_BREAKER_1];
  if (isA(jobId, ...explorerLike, ...knightLike)) {
    return { hpGain: randInt(random, 100, 150), mpGain: randInt(random, 25, 50) };
  }
  if (isBeginner(jobId)) return NO_BONUS;
  return { hpGain: randInt(random, 300, 350), mpGain: randInt(random, 150, 200) };
}

/**
 * What advancing to `newJobId` grants. The caller adds the gains to max HP/MP and applies `capMax`.
 * The reference matched Evan with job.IsA, which also gave Legend (2000) the Evan AP; we do not.
 */
export function jobAdvancementGains(newJobId: number, random: Random): JobAdvancementGains {
  let ap = isCygnus(newJobId) ? 7 : 0;
  let sp = 1;
  if (isEvan(newJobId)) {
    ap += 2;
  } else if (isFourthJob(newJobId)) {
    sp += 2;
  }
  return { ap, sp, ...hpMpBonus(newJobId, random) };
}
