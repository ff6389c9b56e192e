import type { ServiceUrls } from '../../platform/config.js';
import { type AtlasClient, RemoteError } from '../../platform/http/client.js';
import type { Tenant } from '../../platform/tenant.js';
import type { TransferSnapshot } from './saga.js';

/** atlas-world's `capacityStatus` of a full world. */
const WORLD_FULL = 2;
const GUILD_MASTER = 1;

const isNotFound = (error: unknown) => error instanceof RemoteError && error.status === 404;
const num = (value: unknown) => (typeof value === 'number' ? value : Number(value ?? 0));

/**
 * What a world transfer asks of the rest of Atlas (HEAD's gates, `AC/pending_change/requests.go@HEAD`): the
 * same paths and resource types. Each service is optional: with no URL configured (the embedded default, where
 * these services do not exist) its gate finds nothing in the way (world open, no slot limit, not banned, in no
 * guild, family, trade, shop or MTS, no party, no buddies). A configured service that fails throws, and the
 * check answers `check_unavailable`, as HEAD does.
 */
export class TransferGates {
  constructor(
    private readonly client: AtlasClient,
    private readonly urls: ServiceUrls,
  ) {}

  /** undefined: no such world. */
  async world(tenant: Tenant, worldId: number): Promise<{ full: boolean } | undefined> {
    if (!this.urls.worlds) return { full: false };
    try {
      const w = await this.client.getOne(`${this.urls.worlds}worlds/${worldId}`, 'worlds', tenant);
      return { full: num(w.attributes.capacityStatus) === WORLD_FULL };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** undefined: no limit known. */
  async characterSlots(tenant: Tenant, accountId: number): Promise<number | undefined> {
    if (!this.urls.accounts) return undefined;
    const a = await this.client.getOne(`${this.urls.accounts}accounts/${accountId}`, 'accounts', tenant);
    return num(a.attributes.characterSlots);
  }

  async banned(tenant: Tenant, accountId: number): Promise<boolean> {
    if (!this.urls.bans) return false;
    const b = await this.client.getOne(
      `${this.urls.bans}bans/check?accountId=${accountId}`,
      'ban-checks',
      tenant,
    );
    return b.attributes.banned === true;
  }

  async guild(tenant: Tenant, characterId: number): Promise<{ guildId: number; title: number } | undefined> {
    if (!this.urls.guilds) return undefined;
    const url = `${this.urls.guilds}guilds?filter[members.id]=${characterId}`;
    for (const g of await this.client.getMany(url, 'guilds', tenant)) {
      const members = Array.isArray(g.attributes.members) ? g.attributes.members : [];
      const member = members.find((m) => num((m as { characterId?: unknown }).characterId) === characterId);
      if (member) return { guildId: num(g.id), title: num((member as { title?: unknown }).title) };
    }
    return undefined;
  }

  async guildMaster(tenant: Tenant, characterId: number): Promise<boolean> {
    return (await this.guild(tenant, characterId))?.title === GUILD_MASTER;
  }

  /** A tree of the character alone is no family; no tree at all (404) neither. */
  async inFamily(tenant: Tenant, characterId: number): Promise<boolean> {
    if (!this.urls.families) return false;
    try {
      const url = `${this.urls.families}families/tree/${characterId}`;
      return (await this.client.getMany(url, 'family-tree-members', tenant)).length > 1;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private async any(root: string | undefined, path: string, type: string, tenant: Tenant): Promise<boolean> {
    if (!root) return false;
    return (await this.client.getMany(`${root}${path}`, type, tenant)).length > 0;
  }

  tradeOpen(tenant: Tenant, characterId: number) {
    return this.any(this.urls.trades, `trades/rooms?filter[characterId]=${characterId}`, 'rooms', tenant);
  }

  merchantOpen(tenant: Tenant, characterId: number) {
    return this.any(this.urls.merchants, `characters/${characterId}/merchants`, 'merchants', tenant);
  }

  async mtsHolding(tenant: Tenant, characterId: number): Promise<boolean> {
    return (
      (await this.any(this.urls.mts, `characters/${characterId}/mts/holding`, 'holdings', tenant)) ||
      (await this.any(this.urls.mts, `characters/${characterId}/mts/listings`, 'listings', tenant))
    );
  }

  /** The world-transfer saga's snapshot, read before any severance (its compensations need it). */
  async snapshot(tenant: Tenant, characterId: number): Promise<TransferSnapshot> {
    const guild = await this.guild(tenant, characterId);
    let partyId = 0;
    if (this.urls.parties) {
      const url = `${this.urls.parties}parties?filter[members.id]=${characterId}`;
      const parties = await this.client.getMany(url, 'parties', tenant);
      if (parties[0]) partyId = num(parties[0].id);
    }
    let buddyIds: number[] = [];
    if (this.urls.buddies) {
      try {
        const url = `${this.urls.buddies}characters/${characterId}/buddy-list`;
        const list = await this.client.getOne(url, 'buddy-list', tenant);
        const buddies = Array.isArray(list.attributes.buddies) ? list.attributes.buddies : [];
        buddyIds = buddies
          .filter((b) => (b as { pending?: unknown }).pending !== true)
          .map((b) => num((b as { characterId?: unknown }).characterId));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return { guildId: guild?.guildId ?? 0, guildTitle: guild?.title ?? 0, partyId, buddyIds };
  }
}
