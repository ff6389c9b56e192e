import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Tenant } from '../../platform/tenant.js';
import type { Channel } from '../channels.js';
import type { ScheduledRoute } from '../core/model.js';
import type { Voyage } from '../core/schedule.js';
import type { TransportMessages, VoyageStatusType } from '../producer.js';
import type { TransitionAction } from './transition.js';
import type { VoyagePart, Voyages } from './voyages.js';
import { collectWarps, type WarpDeps } from './warps.js';

export interface TransitionMessageDeps {
  readonly warps: WarpDeps;
  readonly messages: TransportMessages;
  readonly voyages: Pick<Voyages, 'unarrived'>;
}

/** What a transition is about: the route, its tenant, and the channels of its boundary. */
interface RouteOfTransition {
  readonly tenant: Tenant;
  readonly route: ScheduledRoute;
}

/**
 * The messages of one transition, in action order. Voyage events are steps of their own (they go only on a
 * voyage's first announcement, decided in the transaction that writes them); `voyages` tells whether any
 * step is there, so a transition without one keeps the cheap shared send.
 */
export async function transitionMessages(
  deps: TransitionMessageDeps,
  run: RouteOfTransition,
  actions: readonly TransitionAction[],
  channels: readonly Channel[],
  at: number,
): Promise<{ parts: VoyagePart[]; voyages: boolean }> {
  const { messages, warps } = deps;
  const { tenant, route } = run;
  const parts: VoyagePart[] = [];
  let plain: OutgoingMessage[] = [];
  let voyages = false;
  // Who the transition's last departure or arrival warp moved: the voyage's manifest (written with its step).
  const warped = { departure: [] as number[], arrival: [] as number[] };
  const step = (type: VoyageStatusType, voyage: Voyage) => {
    parts.push(plain);
    plain = [];
    voyages = true;
    parts.push({
      kind: type === 'VOYAGE_DEPARTED' ? 'departed' : 'arrived',
      tenantId: tenant.id,
      routeId: route.id,
      routeName: route.name,
      voyage,
      at,
      riders: type === 'VOYAGE_DEPARTED' ? warped.departure : warped.arrival,
      // One per (world, channel), as HEAD: atlas-events has no channel of its own.
      messages: channels.map((channel) => messages.voyageStatus(tenant, type, route, voyage, channel)),
    });
  };
  for (const action of actions) {
    switch (action.kind) {
      case 'event':
        plain.push(messages.routeStatus(tenant, route.id, action.type, action.mapId));
        break;
      case 'warp': {
        const found = await collectWarps(warps, tenant, channels, action.fromMapIds, action.toMapId);
        for (const warp of found) plain.push(messages.changeMap(tenant, warp));
        if (action.purpose !== 'return') warped[action.purpose] = found.map((warp) => warp.characterId);
        break;
      }
      case 'voyage':
        step(action.type, action.voyage);
        break;
      case 'recover-voyages':
        for (const voyage of await deps.voyages.unarrived(tenant.id, route.id)) {
          if (voyage.id !== action.sailing) step('VOYAGE_ARRIVED', voyage);
        }
        break;
    }
  }
  parts.push(plain);
  return { parts, voyages };
}
