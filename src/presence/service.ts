import { randomUUID } from 'node:crypto';
import type { Subscription } from '../platform/bus/bus.js';
import type { ServiceModule } from '../platform/service.js';
import { consumeCharacterStatus, consumeLocationCommands } from './consumer.js';
import { MapData } from './forced-return.js';
import { locationRoutes } from './location-resource.js';
import { LocationOwner } from './owner.js';
import { PresenceProcessor } from './processor.js';
import { type PresenceReads, presenceRoutes } from './resource.js';
import { charactersInField, charactersInFields, findLocation, PRESENCE_MIGRATIONS } from './storage.js';

/**
 * The embedded stand-in for atlas-maps (decisions.md D, F3): follows characters through their status events,
 * announces CHARACTER_ENTER / CHARACTER_EXIT on the map status topic, keeps every character's location, and
 * answers "who is in this field" for transports (in process) and over REST. With LOCATION_OWNER=maps (the
 * default when it runs) it also owns location as HEAD atlas-maps does: CHANGE_MAP, CHANNEL_CHANGE_REQUEST,
 * the forced return, and the only MAP_CHANGED / CHANNEL_CHANGED. Unlike atlas-maps it keeps who-is-where
 * in the presence table, not in memory: the passengers of a boat that was under way when the process stopped
 * still arrive, and every replica answers alike whichever followed the character (decisions E5).
 */
export const presenceService: ServiceModule = {
  name: 'presence',
  migrations: PRESENCE_MIGRATIONS,
  async start(context) {
    const { db, logger, outbox, config } = context;
    if (!db || !outbox) throw new Error('the presence service needs its database and outbox');
    const isOwner = config.locationOwner === 'maps';
    const mapData = new MapData(context.client, config.serviceUrls.data, logger);
    const owner = new LocationOwner({
      db,
      messages: context.messages,
      outbox,
      mapData,
      transactionId: randomUUID,
      logger,
      owner: isOwner,
    });
    // Read from the table on every replica, MIXED or READ_ONLY: whichever replica followed a character's
    // events, all answer alike (decisions E5).
    const reads: PresenceReads = {
      charactersIn: (tenantId, field) => charactersInField(db.pool, tenantId, field),
      charactersInMap: (tenantId, map) => charactersInField(db.pool, tenantId, map),
    };
    const subscriptions: Subscription[] = [];
    if (context.consumersEnabled) {
      const processor = new PresenceProcessor({
        db,
        messages: context.messages,
        outbox,
        transactionId: randomUUID,
        mapData: isOwner ? mapData : undefined,
      });
      subscriptions.push(await consumeCharacterStatus(context, processor));
      if (isOwner) subscriptions.push(...(await consumeLocationCommands(context, owner)));
    }
    const locationOf = (tenantId: string, characterId: number) =>
      findLocation(db.pool, tenantId, characterId);
    context.fields.provide({
      charactersIn: (tenant, field) => reads.charactersIn(tenant.id, field),
      // A route burst (12,000 routes at midnight) asks every field of its transitions in one statement.
      charactersInFields: async (queries) => {
        const answers = await charactersInFields(
          db.pool,
          queries.map(({ tenant, field }) => ({ tenantId: tenant.id, field })),
        );
        return answers.map((value) => ({ status: 'fulfilled', value }));
      },
    });
    if (isOwner) context.locations.provide({ locationOf: (tenant, id) => locationOf(tenant.id, id) });
    return {
      routes: async (app) => {
        await app.register(async (scope) => presenceRoutes(reads)(scope));
        await app.register(async (scope) => locationRoutes(locationOf, owner)(scope));
      },
      close: async () => {
        for (const subscription of subscriptions) await subscription.close();
      },
    };
  },
};
