export {
  ABILITIES,
  type Ability,
  type ApChanges,
  type ApCharacter,
  type ApContext,
  type ApDistribution,
  type ApEntry,
  type ApRefusalReason,
  distributeAp,
  isAbility,
  MAX_HP_MP_USED,
} from './ap.js';
export {
  apHpBonusSkill,
  apMpBonusSkill,
  type BonusSkill,
  baseHpPerAp,
  baseMpPerAp,
  hpPerAp,
  mpPerAp,
} from './ap-increments.js';
export {
  awardExperience,
  awardLevel,
  deductExperience,
  EXPERIENCE_TABLE,
  type ExperienceAward,
  type ExperienceState,
  experienceToNextLevel,
  MAX_LEVEL,
} from './experience.js';
export { type JobAdvancementGains, jobAdvancementGains } from './job-advancement.js';
export {
  is,
  isA,
  isAran,
  isBeginner,
  isBowman,
  isCygnus,
  isEvan,
  isFirstJob,
  isFourthJob,
  isGm,
  isKnownJob,
  isMagician,
  isPirate,
  isThief,
  isWarrior,
  Job,
  jobFromSkillId,
  KNOWN_JOB_IDS,
} from './jobs.js';
export {
  apForLevel,
  type GainRange,
  type HpMpGainParams,
  hpMpGainParams,
  type LevelUpGains,
  type LevelUpInput,
  levelUpGains,
  type SkillBonus,
  spForLevel,
} from './level-up.js';
export {
  capMax,
  clamp,
  MAX_AP,
  MAX_BASE_STAT,
  MAX_FAME,
  MAX_HP_MP,
  MIN_FAME,
  UINT32_MAX,
} from './limits.js';
export { awardDropMeso, changeMeso, dropMeso, type MesoResult, pickUpMeso } from './meso.js';
export { isValidNameFormat } from './names.js';
export { formatPlaytime, overlapMs, type PlaySession, playtimeMs, playtimeSeconds } from './playtime.js';
export {
  inFamily,
  isPointResetMagician,
  magicianTakeMp,
  minimumMaxHp,
  minimumMaxMp,
  type PointResetPolicy,
  pointResetPolicy,
} from './point-reset.js';
export { type Random, randInt } from './random.js';
export {
  invalidRebalanceTarget,
  REBALANCE_STATS,
  type RebalanceCharacter,
  type RebalanceRefusal,
  type RebalanceResult,
  type RebalanceTarget,
  rebalanceAp,
} from './rebalance-ap.js';
export {
  addSp,
  distributeSp,
  formatSp,
  NEW_CHARACTER_SP,
  parseSp,
  SKILL_BOOKS,
  type SpDistribution,
  type SpRefusalReason,
  skillBook,
} from './sp.js';
export { STAT_TYPES, Stat, type StatType, type StatValueKey, type StatValues } from './stat-types.js';
export {
  BASE_STAT,
  type BaseStats,
  changeFame,
  changeHp,
  changeMp,
  clampHp,
  clampMp,
  type HpChange,
  resetStats,
  setHp,
} from './stats.js';
export {
  type TransferApCharacter,
  type TransferApError,
  type TransferApResult,
  transferAp,
} from './transfer-ap.js';
