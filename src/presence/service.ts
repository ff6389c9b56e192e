import { randomUUID } from 'node:crypto';
import type { Subscription } from '../platform/bus/bus.js';
import type { ServiceModule } from '../platform/service.js';
import { consumeCharacterStatus } from './consumer.js';
import { PresenceProcessor } from './processor.js';
import { PresenceRegistry } from './registry.js';
import { presenceRoutes } from './resource.js';

/**
 * The embedded stand-in for atlas-maps (decisions.md D): follows characters through their status events,
 * announces CHARACTER_ENTER / CHARACTER_EXIT on the map status topic, and answers "who is in this field"
 * for transports (in process) and over REST. It holds no database: like atlas-maps, it keeps presence in
 * memory and rebuilds it from the next events after a restart.
 */
export const presenceService: ServiceModule = {
  name: 'presence',
  async start(context) {
    const registry = new PresenceRegistry();
    const processor = new PresenceProcessor({
      registry,
      messages: context.messages,
      bus: context.bus,
      transactionId: randomUUID,
    });
    context.fields.provide({
      charactersIn: async (tenant, field) => registry.charactersIn(tenant.id, field),
    });
    // READ_ONLY still answers REST and the field directory, from a registry that then stays empty.
    const subscription: Subscription | undefined = context.consumersEnabled
      ? await consumeCharacterStatus(context, processor)
      : undefined;
    return {
      routes: presenceRoutes(registry),
      close: async () => {
        await subscription?.close();
      },
    };
  },
};
