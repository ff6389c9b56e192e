import type { FieldDirectory } from '../../platform/fields.js';
import type { Logger } from '../../platform/logging.js';
import type { Random } from '../../platform/service.js';
import { NIL_UUID, type Tenant } from '../../platform/tenant.js';
import type { Channel } from '../channels.js';
import type { SpawnPortals } from '../lookups/portals.js';
import type { TransportMetrics } from '../metrics.js';
import type { Warp } from '../producer.js';

export interface WarpDeps {
  readonly directory: FieldDirectory;
  readonly portals: SpawnPortals;
  readonly random: Random;
  readonly logger: Logger;
  readonly metrics: TransportMetrics;
}

/**
 * A random spawn portal of `mapId`, or portal 0 when the map has none or its portal data cannot be read
 * (decisions C5: a failed look-up never voids a warp; the reference dropped the whole transition).
 */
export async function spawnPortalPicker(
  deps: WarpDeps,
  tenant: Tenant,
  mapId: number,
): Promise<() => number> {
  let candidates: number[] = [];
  try {
    candidates = await deps.portals.of(tenant, mapId);
  } catch (error) {
    deps.metrics.lookupFailures.inc({ kind: 'portals' });
    deps.logger.warn(
      { tenantId: tenant.id, mapId, err: error },
      'portal look-up failed; warping to portal 0',
    );
  }
  if (candidates.length === 0) return () => 0;
  return () => candidates[Math.min(candidates.length - 1, Math.floor(deps.random() * candidates.length))]!;
}

/**
 * The warps that move everyone standing in `fromMapIds` (shared map instance, every channel) to `toMapId`.
 * Fields are asked in parallel; one that cannot be read is logged and counted, and the others still go.
 * The order is stable (map, then channel, then character) so that a transition's messages read the same
 * every time.
 */
export async function collectWarps(
  deps: WarpDeps,
  tenant: Tenant,
  channels: readonly Channel[],
  fromMapIds: readonly number[],
  toMapId: number,
): Promise<Warp[]> {
  const fields = fromMapIds.flatMap((mapId) =>
    channels.map((channel) => ({ ...channel, mapId, instance: NIL_UUID })),
  );
  const answers = await Promise.allSettled(fields.map((field) => deps.directory.charactersIn(tenant, field)));
  const found: Array<{ channel: Channel; characterId: number }> = [];
  answers.forEach((answer, index) => {
    const field = fields[index]!;
    if (answer.status === 'rejected') {
      deps.metrics.lookupFailures.inc({ kind: 'presence' });
      deps.logger.warn(
        { tenantId: tenant.id, field, err: answer.reason },
        'presence look-up failed; passengers of this field wait for the next warp',
      );
      return;
    }
    for (const characterId of answer.value) found.push({ channel: field, characterId });
  });
  if (found.length === 0) return [];
  const pick = await spawnPortalPicker(deps, tenant, toMapId);
  return found.map(({ channel, characterId }) => ({
    worldId: channel.worldId,
    channelId: channel.channelId,
    characterId,
    mapId: toMapId,
    instance: NIL_UUID,
    portalId: pick(),
  }));
}
