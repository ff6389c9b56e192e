import type { PoolClient } from 'pg';
import type { MessageFactory, OutgoingMessage } from '../platform/bus/messages.js';
import type { Database } from '../platform/db/database.js';
import { type Delivery, recordDelivery } from '../platform/db/inbox.js';
import type { Field } from '../platform/fields.js';
import type { Logger } from '../platform/logging.js';
import type { OutboxWriter } from '../platform/service.js';
import { NIL_UUID, type Tenant } from '../platform/tenant.js';
import type { ChangeMapCommand, ChannelChangeRequest } from './commands.js';
import type { MapData } from './forced-return.js';
import { changeMapCommand, characterStatus, mapChangedBody, type Origin } from './producer.js';
import { findLocation, saveLocation } from './storage.js';

export interface LocationOwnerDeps {
  readonly db: Database;
  readonly messages: MessageFactory;
  readonly outbox: Pick<OutboxWriter, 'write' | 'committed'>;
  readonly mapData: MapData;
  readonly transactionId: () => string;
  readonly logger: Logger;
  /** True when presence owns location; otherwise a REST warp is handed to the owner as a CHANGE_MAP. */
  readonly owner: boolean;
}

export type WarpOutcome = 'warped' | 'no-location' | 'unknown-map';

type Cause = Partial<Origin> & Pick<Origin, 'tenant'>;

const NO_TARGET_POSITION = { useTargetPosition: false, targetX: 0, targetY: 0 };

/**
 * HEAD atlas-maps' location ownership (head-contract §3.2): the warp (CHANGE_MAP, PATCH .../location) and the
 * channel change request each store the new location and announce it once, MAP_CHANGED or CHANNEL_CHANGED,
 * in one transaction with the consumed message's inbox row. Who stands where (EXIT/ENTER, the registry)
 * follows when presence consumes that announcement like any other status event, so a warp moves the
 * registry exactly once; HEAD ran the channel transition twice (once here, once on its own CHANNEL_CHANGED).
 */
export class LocationOwner {
  constructor(private readonly deps: LocationOwnerDeps) {}

  /** CHANGE_MAP: the old side is the stored location, or the target when there is none (as HEAD). */
  async changeMap(command: ChangeMapCommand, origin: Origin, delivery?: Delivery): Promise<void> {
    const { body } = command;
    const target = {
      worldId: command.worldId,
      channelId: body.channelId,
      mapId: body.mapId,
      instance: body.instance,
    };
    await this.warp(command, target, body.portalId, body, origin, delivery);
  }

  /**
   * PATCH /characters/{id}/location: a map-only warp from the stored world and channel to the map's shared
   * instance at portal 0. A map the data service does not know is refused; without a data service (the
   * embedded default) the map cannot be checked and the warp goes ahead.
   */
  async warpTo(
    tenant: Tenant,
    characterId: number,
    mapId: number,
    cause?: Origin['headers'],
  ): Promise<WarpOutcome> {
    if ((await this.deps.mapData.exists(tenant, mapId)) === 'missing') return 'unknown-map';
    const stored = await findLocation(this.deps.db.pool, tenant.id, characterId);
    if (!stored) return 'no-location';
    const envelope = { transactionId: this.deps.transactionId(), worldId: stored.worldId, characterId };
    const target = { worldId: stored.worldId, channelId: stored.channelId, mapId, instance: NIL_UUID };
    const origin = { tenant, headers: cause };
    if (!this.deps.owner) {
      // The character service owns location: it performs the warp and announces it.
      await this.send([changeMapCommand(this.deps.messages, envelope, target, 0, origin)]);
      return 'warped';
    }
    await this.warp(envelope, target, 0, NO_TARGET_POSITION, origin);
    return 'warped';
  }

  /**
   * CHANNEL_CHANGE_REQUEST: the stored map on the target channel, after the forced return. A request whose
   * character already stands on the target channel is the same change heard twice (atlas-channel asks, and
   * in the embedded default the character service asks again when the new session starts): it does nothing.
   */
  async changeChannel(request: ChannelChangeRequest, origin: Origin, delivery?: Delivery): Promise<void> {
    const { db, logger } = this.deps;
    const tenantId = origin.tenant.id;
    const seen = await findLocation(db.pool, tenantId, request.characterId);
    // Resolved before the transaction, so that a slow data service holds no row lock.
    const resolved = seen
      ? await this.deps.mapData.forcedReturn(origin.tenant, { ...seen, channelId: request.targetChannelId })
      : undefined;
    await this.transaction(delivery, async (client) => {
      const stored = await findLocation(client, tenantId, request.characterId, true);
      if (!stored || !resolved) {
        logger.warn({ characterId: request.characterId }, 'channel change of a character without a location');
        return [];
      }
      if (stored.state === 'IN_FIELD' && stored.channelId === request.targetChannelId) return [];
      // A warp between the look-up and the lock: its map wins over a resolution made for the old one.
      const target: Field =
        stored.mapId === seen?.mapId && stored.instance === seen.instance
          ? resolved
          : { ...stored, channelId: request.targetChannelId };
      await saveLocation(client, tenantId, request.characterId, target, 'IN_FIELD');
      const envelope = {
        transactionId: this.deps.transactionId(),
        worldId: request.worldId,
        characterId: request.characterId,
      };
      const body = {
        channelId: target.channelId,
        oldChannelId: request.oldChannelId,
        mapId: target.mapId,
        instance: target.instance,
      };
      return [characterStatus(this.deps.messages, envelope, 'CHANNEL_CHANGED', body, origin)];
    });
  }

  private async warp(
    envelope: { transactionId: string; worldId: number; characterId: number },
    target: Field,
    portalId: number,
    position: { useTargetPosition: boolean; targetX: number; targetY: number },
    origin: Cause,
    delivery?: Delivery,
  ): Promise<void> {
    await this.transaction(delivery, async (client) => {
      const stored = await findLocation(client, origin.tenant.id, envelope.characterId, true);
      // A warp of a character never seen: it is where it is going (HEAD), and counts as in the game.
      await saveLocation(client, origin.tenant.id, envelope.characterId, target, 'IN_FIELD', true);
      const body = mapChangedBody(stored ?? target, target, portalId, position);
      return [characterStatus(this.deps.messages, envelope, 'MAP_CHANGED', body, origin)];
    });
  }

  private async send(messages: OutgoingMessage[]): Promise<void> {
    await this.transaction(undefined, async () => messages);
  }

  /** One transaction: the consumed message's inbox row, the location, the announcement's outbox row. */
  private async transaction(
    delivery: Delivery | undefined,
    work: (client: PoolClient) => Promise<OutgoingMessage[]>,
  ): Promise<OutgoingMessage[]> {
    const { db, outbox } = this.deps;
    const messages = await db.transaction(async (client) => {
      await recordDelivery(client, delivery);
      const out = await work(client);
      await outbox.write(client, out);
      return out;
    });
    if (delivery) delivery.claimed = true;
    if (messages.length > 0) outbox.committed();
    return messages;
  }
}
