import type { AtlasClient } from '../../platform/http/client.js';
import type { Logger } from '../../platform/logging.js';
import type { Tenant } from '../../platform/tenant.js';

/** Stats with equipment and buffs applied; the fields the character service uses. */
export interface EffectiveStats {
  readonly maxHp: number;
  readonly maxMp: number;
  readonly intelligence: number;
}

const uint = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

/**
 * Effective stats (EFFECTIVE_STATS_SERVICE_URL). Optional: unset or failing, the caller uses the base
 * stats, as the reference falls back.
 */
export class EffectiveStatsLookup {
  constructor(
    private readonly client: AtlasClient,
    private readonly root: string | undefined,
    private readonly logger: Logger,
  ) {}

  async get(
    tenant: Tenant,
    worldId: number,
    channelId: number,
    characterId: number,
  ): Promise<EffectiveStats | undefined> {
    if (!this.root) return undefined;
    try {
      const stats = await this.client.getOne(
        `${this.root}worlds/${worldId}/channels/${channelId}/characters/${characterId}/stats`,
        'effective-stats',
        tenant,
      );
      // The service capitalises maxHP and maxMP.
      const maxHp = uint(stats.attributes.maxHP);
      const maxMp = uint(stats.attributes.maxMP);
      const intelligence = uint(stats.attributes.intelligence);
      if (maxHp === undefined || maxMp === undefined || intelligence === undefined) return undefined;
      return { maxHp, maxMp, intelligence };
    } catch (error) {
      this.logger.warn({ err: error, characterId }, 'effective stats look-up failed; base stats used');
      return undefined;
    }
  }
}
