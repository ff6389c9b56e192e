import type { MessageFactory, OutgoingMessage } from '../platform/bus/messages.js';
import { NIL_UUID, type Tenant } from '../platform/tenant.js';
import { encodeJson } from '../platform/wire/envelope.js';
import type { Headers } from '../platform/wire/headers.js';
import { toKey } from '../platform/wire/keys.js';
import { rfc3339 } from './core/go-time.js';

// Every message this service sends, built with the exact field order of the reference's Go structs
// (transports.md §7.3): JSON.stringify keeps insertion order, so the object literals below are the wire.
// `cause` is the headers of what caused a message (a request, a consumed message): its W3C trace context is
// carried over, as the reference's context does (wire.md §2.3). Timer-driven messages have none.

export interface Warp {
  readonly worldId: number;
  readonly channelId: number;
  readonly characterId: number;
  readonly mapId: number;
  /** The transport instance for the boarding warp into a transit map; the nil UUID otherwise. */
  readonly instance: string;
  readonly portalId: number;
}

export type RouteStatusType = 'ARRIVED' | 'DEPARTED';

export type VoyageStatusType = 'VOYAGE_DEPARTED' | 'VOYAGE_ARRIVED';

/** TIMEOUT (HEAD #1190): the travel time of a route with a forced return ran out. */
export type CancelReason = 'MAP_EXIT' | 'LOGOUT' | 'STUCK' | 'TIMEOUT';

export type ConsumableEffectType = 'APPLY_CONSUMABLE_EFFECT' | 'CANCEL_CONSUMABLE_EFFECT';

/** The route facts a voyage event carries (HEAD's VoyageStatusEventBody). */
export interface VoyageRoute {
  readonly id: string;
  readonly stagingMapId: number;
  readonly enRouteMapIds: readonly number[];
  readonly destinationMapId: number;
  readonly observationMapId: number;
}

export class TransportMessages {
  constructor(private readonly factory: MessageFactory) {}

  /** CHANGE_MAP has no transactionId in the reference's command struct. */
  changeMap(tenant: Tenant, warp: Warp, cause?: Headers): OutgoingMessage {
    return this.factory.create(
      'COMMAND_TOPIC_CHARACTER',
      warp.characterId,
      {
        worldId: warp.worldId,
        characterId: warp.characterId,
        type: 'CHANGE_MAP',
        body: {
          channelId: warp.channelId,
          mapId: warp.mapId,
          instance: warp.instance,
          portalId: warp.portalId,
        },
      },
      { tenant, cause },
    );
  }

  /**
   * ARRIVED / DEPARTED, keyed by the route id text; `mapId` is the route's observation map. A route sends the
   * same key and body all day: their bytes are encoded once per route, type and map (only the headers'
   * span id differs from one message to the next).
   */
  routeStatus(tenant: Tenant, routeId: string, type: RouteStatusType, mapId: number): OutgoingMessage {
    let encoded = this.routeStatusBytes.get(routeId);
    if (!encoded || encoded.mapId !== mapId) {
      if (this.routeStatusBytes.size >= 100_000) this.routeStatusBytes.clear();
      encoded = { mapId, key: toKey(routeId), values: {} };
      this.routeStatusBytes.set(routeId, encoded);
    }
    encoded.values[type] ??= encodeJson({ routeId, type, body: { mapId } });
    const value = encoded.values[type];
    return this.factory.encoded('EVENT_TOPIC_TRANSPORT_STATUS', encoded.key, value, { tenant });
  }

  private readonly routeStatusBytes = new Map<
    string,
    { readonly mapId: number; readonly key: Buffer; readonly values: { [type in RouteStatusType]?: Buffer } }
  >();

  /**
   * VOYAGE_DEPARTED / VOYAGE_ARRIVED for one channel (HEAD #1375), keyed by the voyage id text so that an
   * arrival never overtakes its departure; `departedAt` as Go writes a time.Time (RFC 3339, UTC).
   */
  voyageStatus(
    tenant: Tenant,
    type: VoyageStatusType,
    route: VoyageRoute,
    voyage: { readonly id: string; readonly departedAt: number },
    channel: { readonly worldId: number; readonly channelId: number },
  ): OutgoingMessage {
    return this.factory.create(
      'EVENT_TOPIC_TRANSPORT_STATUS',
      voyage.id,
      {
        routeId: route.id,
        type,
        body: {
          voyageId: voyage.id,
          worldId: channel.worldId,
          channelId: channel.channelId,
          stagingMapId: route.stagingMapId,
          enRouteMapIds: [...route.enRouteMapIds],
          destinationMapId: route.destinationMapId,
          observationMapId: route.observationMapId,
          departedAt: rfc3339(voyage.departedAt),
        },
      },
      { tenant },
    );
  }

  /**
   * APPLY / CANCEL_CONSUMABLE_EFFECT (HEAD's consumable Command): nil transaction id (not a saga's), map 0 and
   * the nil instance (atlas-consumables resolves the live map itself), keyed by the character.
   */
  consumableEffect(
    tenant: Tenant,
    type: ConsumableEffectType,
    rider: Rider & { readonly channelId: number },
    itemId: number,
    cause?: Headers,
  ): OutgoingMessage {
    return this.factory.create(
      'COMMAND_TOPIC_CONSUMABLE',
      rider.characterId,
      {
        transactionId: NIL_UUID,
        worldId: rider.worldId,
        channelId: rider.channelId,
        mapId: 0,
        instance: NIL_UUID,
        characterId: rider.characterId,
        type,
        body: { itemId },
      },
      { tenant, cause },
    );
  }

  started(
    tenant: Tenant,
    rider: Rider,
    routeId: string,
    instanceId: string,
    cause?: Headers,
  ): OutgoingMessage {
    return this.instanceEvent(tenant, rider, 'STARTED', { routeId, instanceId }, cause);
  }

  transitEntered(
    tenant: Tenant,
    rider: Rider,
    body: {
      routeId: string;
      instanceId: string;
      channelId: number;
      durationSeconds: number;
      message: string;
    },
    cause?: Headers,
  ): OutgoingMessage {
    return this.instanceEvent(
      tenant,
      rider,
      'TRANSIT_ENTERED',
      {
        routeId: body.routeId,
        instanceId: body.instanceId,
        channelId: body.channelId,
        durationSeconds: body.durationSeconds,
        message: body.message,
      },
      cause,
    );
  }

  completed(tenant: Tenant, rider: Rider, routeId: string, instanceId: string): OutgoingMessage {
    return this.instanceEvent(tenant, rider, 'COMPLETED', { routeId, instanceId });
  }

  cancelled(
    tenant: Tenant,
    rider: Rider,
    routeId: string,
    instanceId: string,
    reason: CancelReason,
    cause?: Headers,
  ): OutgoingMessage {
    return this.instanceEvent(tenant, rider, 'CANCELLED', { routeId, instanceId, reason }, cause);
  }

  /** Asks every channel of the tenant to announce itself again (decisions C10), as atlas-world does. */
  statusRequest(tenant: Tenant): OutgoingMessage {
    return this.factory.create(
      'COMMAND_TOPIC_CHANNEL_STATUS',
      tenant.id,
      { type: 'STATUS_REQUEST' },
      { tenant },
    );
  }

  // The reference never fills the transaction id of these events: the nil UUID, always.
  private instanceEvent(
    tenant: Tenant,
    rider: Rider,
    type: string,
    body: object,
    cause?: Headers,
  ): OutgoingMessage {
    return this.factory.create(
      'EVENT_TOPIC_INSTANCE_TRANSPORT',
      rider.characterId,
      { transactionId: NIL_UUID, worldId: rider.worldId, characterId: rider.characterId, type, body },
      { tenant, cause },
    );
  }
}

/** Who an instance-transport event is about: the character and the world it rides in. */
export interface Rider {
  readonly characterId: number;
  readonly worldId: number;
}
