import * as z from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume, parseBody } from '../../platform/bus/consumer.js';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { ServiceContext } from '../../platform/service.js';
import type { Headers } from '../../platform/wire/headers.js';
import { u8, u32 } from '../../platform/wire/numbers.js';
import type { InstanceTransports } from '../instances/processor.js';
import { envelope } from './schemas.js';

const sessionEvent = z.object({
  worldId: u8,
  characterId: u32,
  body: z.object({ channelId: u8, mapId: u32 }),
});

export interface CharacterStatusHandlers {
  readonly instances: InstanceTransports;
  /**
   * The scheduled-route part of a logout (a warp off a dock or a ship), traced as the LOGOUT that caused it:
   * its messages, sent with the ride's cancel (see the LOGOUT handler).
   */
  readonly scheduledLogout: (
    tenant: Parameters<InstanceTransports['loggedOut']>[0],
    at: Parameters<InstanceTransports['loggedOut']>[1],
    cause: Headers,
  ) => Promise<readonly OutgoingMessage[]>;
}

/** LOGIN and LOGOUT from atlas-character; every other character event is none of this service's business. */
export function consumeCharacterStatus(
  context: ServiceContext,
  handlers: CharacterStatusHandlers,
): Promise<Subscription> {
  return consume({
    bus: context.bus,
    topic: context.messages.topic('EVENT_TOPIC_CHARACTER_STATUS'),
    group: context.group,
    // Decisions C12: a new group does not replay old logins and logouts.
    start: 'latest',
    schema: envelope,
    logger: context.logger,
    metrics: context.metrics,
    handle: async (value, { tenant, headers, delivery }) => {
      if (value.type !== 'LOGIN' && value.type !== 'LOGOUT') return;
      const event = parseBody(sessionEvent, value, value.type);
      const at = {
        characterId: event.characterId,
        worldId: event.worldId,
        channelId: event.body.channelId,
        mapId: event.body.mapId,
      };
      if (value.type === 'LOGIN') {
        await handlers.instances.loggedIn(tenant, at, headers, delivery);
        return;
      }
      context.logger.debug({ tenantId: tenant.id, ...at }, 'character logged out');
      // The dock warp goes with the ride's cancel, in one transaction with the LOGOUT's inbox row: a crash can
      // never leave the ride cancelled and the dock warp unsent.
      const warp = await handlers.scheduledLogout(tenant, at, headers);
      await handlers.instances.loggedOut(tenant, at, headers, delivery, warp);
    },
  });
}
