import { randomUUID } from 'node:crypto';
import type { Subscription } from '../platform/bus/bus.js';
import type { Field } from '../platform/fields.js';
import type { ServiceModule } from '../platform/service.js';
import { consumeCharacterStatus } from './consumer.js';
import { PresenceProcessor } from './processor.js';
import { PresenceRegistry } from './registry.js';
import { presenceRoutes } from './resource.js';
import { charactersInField, loadPlacements, PRESENCE_MIGRATIONS } from './storage.js';

/**
 * The embedded stand-in for atlas-maps (decisions.md D): follows characters through their status events,
 * announces CHARACTER_ENTER / CHARACTER_EXIT on the map status topic, and answers "who is in this field"
 * for transports (in process) and over REST. Unlike atlas-maps it survives a restart: every move is written
 * to the presence table, and start-up loads the table into the in-memory registry that answers the reads,
 * so the passengers of a boat that was under way when the process stopped still arrive.
 */
export const presenceService: ServiceModule = {
  name: 'presence',
  migrations: PRESENCE_MIGRATIONS,
  async start(context) {
    const { db, logger, outbox } = context;
    if (!db || !outbox) throw new Error('the presence service needs its database and outbox');
    let charactersIn: (tenantId: string, field: Field) => Promise<number[]>;
    let subscription: Subscription | undefined;
    if (context.consumersEnabled) {
      const registry = new PresenceRegistry();
      // Loaded before subscribing, so that the events consumed next move characters from where they stood.
      const placements = await loadPlacements(db.pool);
      for (const { tenantId, characterId, field } of placements) registry.place(tenantId, characterId, field);
      if (placements.length > 0) logger.info({ characters: placements.length }, 'presence loaded');
      charactersIn = async (tenantId, field) => registry.charactersIn(tenantId, field);
      const processor = new PresenceProcessor({
        registry,
        db,
        messages: context.messages,
        outbox,
        transactionId: randomUUID,
      });
      subscription = await consumeCharacterStatus(context, processor);
    } else {
      // READ_ONLY follows no events, so a registry would never move: read what the MIXED replicas write.
      charactersIn = (tenantId, field) => charactersInField(db.pool, tenantId, field);
    }
    context.fields.provide({ charactersIn: (tenant, field) => charactersIn(tenant.id, field) });
    return {
      routes: presenceRoutes(charactersIn),
      close: async () => {
        await subscription?.close();
      },
    };
  },
};
