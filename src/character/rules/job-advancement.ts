import {
  isA,
  isBeginner,
  isBowman,
  isCygnus,
  isEvan,
  isFirstJob,
  isFourthJob,
  isPirate,
  isThief,
  isWarrior,
  Job,
} from './jobs.js';
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
 * The intended table (decisions B7). The reference's rows name first-job ids (Warrior 100, Bowman 300, Dawn
 * Warrior 1100, ...), but its family test matches the whole branch, so its 2nd-4th job rows were unreachable
 * and every advancement got the first-job bonus. Intended: first jobs get their branch's first-job row;
 * 2nd-4th job warriors HP 300-350, 2nd-4th job mages (Evan stages 2-10 included) MP 450-500, and every other
 * non-beginner (2nd-4th job bowmen, thieves and pirates, GM, 800) the last row, HP 300-350 and MP 150-200.
 * Rolls HP before MP.
 */
function hpMpBonus(jobId: number, random: Random): HpMpBonus {
  const first = isFirstJob(jobId);
  if (isWarrior(jobId)) {
    return { hpGain: first ? randInt(random, 200, 250) : randInt(random, 300, 350), mpGain: 0 };
  }
  if (isA(jobId, Job.MAGICIAN, Job.BLAZE_WIZARD_1, Job.EVAN_1)) {
    return { hpGain: 0, mpGain: first ? randInt(random, 100, 150) : randInt(random, 450, 500) };
  }
  if (first && (isBowman(jobId) || isThief(jobId) || isPirate(jobId))) {
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
