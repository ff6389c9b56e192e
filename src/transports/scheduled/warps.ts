import type { Field, FieldDirectory } from '../../platform/fields.js';
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
 * The fields a warp out of `fromMapIds` asks about: the shared map instance of each map on every channel,
 * map first, then channel. Computed once per channel list and map list (both kept by their owners).
 */
export function warpFields(channels: readonly Channel[], fromMapIds: readonly number[]): readonly Field[] {
  let byMaps = fieldMemo.get(channels);
  if (!byMaps) {
    byMaps = new WeakMap();
    fieldMemo.set(channels, byMaps);
  }
  let fields = byMaps.get(fromMapIds);
  if (!fields) {
    fields = fromMapIds.flatMap((mapId) =>
      channels.map((channel) => ({
        worldId: channel.worldId,
        channelId: channel.channelId,
        mapId,
        instance: NIL_UUID,
      })),
    );
    byMaps.set(fromMapIds, fields);
  }
  return fields;
}

const fieldMemo = new WeakMap<readonly Channel[], WeakMap<readonly number[], readonly Field[]>>();

/** Who stands in `fields`, from their answers (from `offset` on); a field that could not be read is logged. */
export function standing(
  deps: WarpDeps,
  tenant: Tenant,
  fields: readonly Field[],
  answers: readonly PromiseSettledResult<number[]>[],
  offset: number,
): Array<{ readonly field: Field; readonly characterId: number }> {
  const found: Array<{ field: Field; characterId: number }> = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const answer = answers[offset + i]!;
    if (answer.status === 'rejected') {
      deps.metrics.lookupFailures.inc({ kind: 'presence' });
      deps.logger.warn(
        { tenantId: tenant.id, field, err: answer.reason },
        'presence look-up failed; passengers of this field wait for the next warp',
      );
      continue;
    }
    for (const characterId of answer.value) found.push({ field, characterId });
  }
  return found;
}

/** The warps of everyone `found` to `toMapId`, each on a spawn portal `pick` draws, in order. */
export function warpsTo(
  found: ReadonlyArray<{ readonly field: Field; readonly characterId: number }>,
  toMapId: number,
  pick: () => number,
): Warp[] {
  return found.map(({ field, characterId }) => ({
    worldId: field.worldId,
    channelId: field.channelId,
    characterId,
    mapId: toMapId,
    instance: NIL_UUID,
    portalId: pick(),
  }));
}
