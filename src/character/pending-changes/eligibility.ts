import type { Queryable } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logging.js';
import type { Tenant } from '../../platform/tenant.js';
import type { Character } from '../model.js';
import { isValidNameFormat } from '../rules/index.js';
import type { TransferGates } from './gates.js';

/** The name rules a requested name must pass before the tenant-wide checks, with HEAD's reasons. */
export function nameFormatReason(name: string): string | undefined {
  const length = [...name].length;
  if (length < 3 || length > 12) return 'name_invalid_length';
  if (!isValidNameFormat(name)) return 'name_invalid_charset';
  return undefined;
}

type Gate = () => Promise<string | undefined> | string | undefined;

async function otherHoldsName(q: Queryable, tenantId: string, c: Character): Promise<boolean> {
  const { rows } = await q.query(
    'SELECT 1 FROM characters WHERE tenant_id = $1 AND lower(name) = lower($2) AND id <> $3 LIMIT 1',
    [tenantId, c.name, c.id],
  );
  return rows.length > 0;
}

async function charactersInWorld(q: Queryable, tenantId: string, accountId: number, worldId: number) {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM characters WHERE tenant_id = $1 AND account_id = $2 AND world = $3',
    [tenantId, accountId, worldId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * HEAD's world-transfer gates in HEAD's order (`AC/pending_change/processor_eligibility.go@HEAD`): the first
 * that objects gives the reason; a gate whose service fails gives `check_unavailable`. Without a destination
 * (`transfer-eligibility-independent`) only the gates that do not depend on it run. Undefined: eligible.
 */
export async function transferIneligibility(
  q: Queryable,
  gates: TransferGates,
  logger: Logger,
  tenant: Tenant,
  c: Character,
  destination?: number,
): Promise<string | undefined> {
  const independent: Gate[] = [
    () => (c.gm !== 0 ? 'is_gm' : undefined),
    async () => ((await gates.banned(tenant, c.accountId)) ? 'banned' : undefined),
    async () => ((await gates.guildMaster(tenant, c.id)) ? 'is_guild_master' : undefined),
    async () => ((await gates.inFamily(tenant, c.id)) ? 'in_family' : undefined),
    async () => ((await gates.tradeOpen(tenant, c.id)) ? 'trade_open' : undefined),
    async () => ((await gates.merchantOpen(tenant, c.id)) ? 'merchant_open' : undefined),
    async () => ((await gates.mtsHolding(tenant, c.id)) ? 'mts_listings_open' : undefined),
  ];
  const list: Gate[] =
    destination === undefined
      ? independent
      : [
          () => (destination === c.worldId ? 'world_same' : undefined),
          independent[0]!,
          async () => {
            const world = await gates.world(tenant, destination);
            if (!world) return 'world_unknown';
            return world.full ? 'world_full' : undefined;
          },
          async () => {
            const slots = await gates.characterSlots(tenant, c.accountId);
            if (slots === undefined) return undefined;
            return (await charactersInWorld(q, tenant.id, c.accountId, destination)) >= slots
              ? 'no_character_slot'
              : undefined;
          },
          async () => ((await otherHoldsName(q, tenant.id, c)) ? 'name_taken' : undefined),
          ...independent.slice(1),
        ];
  for (const gate of list) {
    let reason: string | undefined;
    try {
      reason = await gate();
    } catch (error) {
      logger.warn({ err: error, characterId: c.id }, 'world-transfer gate unavailable');
      return 'check_unavailable';
    }
    if (reason !== undefined) return reason;
  }
  return undefined;
}
