import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Tenant } from '../../platform/tenant.js';
import type { Channel } from '../channels.js';
import type { ScheduledRoute } from '../core/model.js';
import type { Voyage } from '../core/schedule.js';
import type { TransportMessages, VoyageStatusType, Warp } from '../producer.js';
import type { TransitionAction } from './transition.js';
import type { VoyagePart } from './voyages.js';

/** What a transition is about: the route, its tenant, and the channels of its boundary. */
interface RouteOfTransition {
  readonly tenant: Tenant;
  readonly route: ScheduledRoute;
}

/**
 * A transition's messages, in action order. Voyage events are steps of their own (they go only on a voyage's
 * first announcement, decided in the transaction that writes them); `voyages` tells whether any step is there,
 * so a transition without one keeps the cheap shared send.
 */
export interface TransitionParts {
  readonly parts: VoyagePart[];
  readonly voyages: boolean;
}

/**
 * The messages of one transition once its look-ups are answered: `warps[index]` are the warps of the warp
 * action at `index` (absent: nobody to warp), `recovered` the voyages a `recover-voyages` action announces
 * arrived. Built in one pass without closures: 12,000 transitions are built at midnight.
 */
export function buildTransitionMessages(
  messages: TransportMessages,
  run: RouteOfTransition,
  actions: readonly TransitionAction[],
  channels: readonly Channel[],
  at: number,
  warps: ReadonlyArray<readonly Warp[] | undefined> | undefined,
  recovered: readonly Voyage[] = [],
): TransitionParts {
  const { tenant, route } = run;
  const parts: VoyagePart[] = [];
  let plain: OutgoingMessage[] = [];
  let voyages = false;
  // Who the transition's last departure or arrival warp moved: the voyage's manifest (written with its step).
  let departed: readonly number[] = NOBODY;
  let arrived: readonly number[] = NOBODY;
  for (let index = 0; index < actions.length; index++) {
    const action = actions[index]!;
    switch (action.kind) {
      case 'event':
        plain.push(messages.routeStatus(tenant, route.id, action.type, action.mapId));
        break;
      case 'warp': {
        const found = warps?.[index] ?? NO_WARPS;
        for (const warp of found) plain.push(messages.changeMap(tenant, warp));
        const riders = found.length === 0 ? NOBODY : found.map((warp) => warp.characterId);
        if (action.purpose === 'departure') departed = riders;
        else if (action.purpose === 'arrival') arrived = riders;
        break;
      }
      case 'voyage':
      case 'recover-voyages': {
        const type = action.kind === 'voyage' ? action.type : 'VOYAGE_ARRIVED';
        const riders = type === 'VOYAGE_DEPARTED' ? departed : arrived;
        for (const voyage of action.kind === 'voyage' ? [action.voyage] : recovered) {
          // Each voyage step is a part of its own, after the plain messages that came before it.
          parts.push(plain, voyageStep(messages, run, channels, at, type, voyage, riders));
          plain = [];
          voyages = true;
        }
        break;
      }
    }
  }
  parts.push(plain);
  return { parts, voyages };
}

const NO_WARPS: readonly Warp[] = [];
const NOBODY: readonly number[] = [];

/** A voyage's departure or arrival: one message per (world, channel), as HEAD (atlas-events has no channel). */
function voyageStep(
  messages: TransportMessages,
  { tenant, route }: RouteOfTransition,
  channels: readonly Channel[],
  at: number,
  type: VoyageStatusType,
  voyage: Voyage,
  riders: readonly number[],
): VoyagePart {
  const sent: OutgoingMessage[] = [];
  for (const channel of channels) sent.push(messages.voyageStatus(tenant, type, route, voyage, channel));
  return {
    kind: type === 'VOYAGE_DEPARTED' ? 'departed' : 'arrived',
    tenantId: tenant.id,
    routeId: route.id,
    routeName: route.name,
    voyage,
    at,
    riders,
    messages: sent,
  };
}
