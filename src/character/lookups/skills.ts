import type { AtlasClient } from '../../platform/http/client.js';
import type { Logger } from '../../platform/logging.js';
import type { Tenant } from '../../platform/tenant.js';

/** A skill the character has, as the skills service lists it. */
export interface CharacterSkill {
  readonly skillId: number;
  readonly level: number;
  readonly masterLevel: number;
  readonly expiration: string;
}

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;

/**
 * The character's skills (SKILLS_SERVICE_URL) and per-level skill effects (DATA_SERVICE_URL). Optional:
 * unset or failing, a character has no skills and no skill bonus, as the reference falls back.
 */
export class SkillLookup {
  constructor(
    private readonly client: AtlasClient,
    private readonly skillsRoot: string | undefined,
    private readonly dataRoot: string | undefined,
    private readonly logger: Logger,
  ) {}

  async skills(tenant: Tenant, characterId: number): Promise<CharacterSkill[]> {
    if (!this.skillsRoot) return [];
    try {
      const list = await this.client.getMany(
        `${this.skillsRoot}characters/${characterId}/skills`,
        'skills',
        tenant,
      );
      return list.map((skill) => ({
        skillId: Number(skill.id),
        level: count(skill.attributes.level),
        masterLevel: count(skill.attributes.masterLevel),
        expiration: typeof skill.attributes.expiration === 'string' ? skill.attributes.expiration : '',
      }));
    } catch (error) {
      this.logger.warn({ err: error, characterId }, 'skills look-up failed; no skills assumed');
      return [];
    }
  }

  /** The effect value (x or y) of a skill at a level; 0 for level 0, a missing level or any failure. */
  async effect(tenant: Tenant, skillId: number, level: number, value: 'x' | 'y'): Promise<number> {
    if (!this.dataRoot || level <= 0) return 0;
    try {
      const skill = await this.client.getOne(`${this.dataRoot}data/skills/${skillId}`, 'skills', tenant);
      const effects = skill.attributes.effects;
      // The reference's bounds check was off by one; a level beyond the table simply has no effect.
      if (!Array.isArray(effects) || level > effects.length) return 0;
      const effect = effects[level - 1] as Record<string, unknown> | null;
      const amount = effect?.[value];
      return typeof amount === 'number' && Number.isFinite(amount) ? Math.trunc(amount) : 0;
    } catch (error) {
      this.logger.warn({ err: error, skillId }, 'skill effect look-up failed; bonus 0');
      return 0;
    }
  }

  /** The bonus a skill gives the character: its effect at the level the character has it. */
  async bonus(
    tenant: Tenant,
    skills: readonly CharacterSkill[],
    skillId: number | undefined,
    value: 'x' | 'y',
  ): Promise<number> {
    if (skillId === undefined) return 0;
    const level = skills.find((s) => s.skillId === skillId)?.level ?? 0;
    return this.effect(tenant, skillId, level, value);
  }
}
