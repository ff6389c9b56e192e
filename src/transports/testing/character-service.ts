import type { App } from '../../app.js';
import { TENANT } from './harness.js';

// Test-only: the character service's part in whole-day runs, without the character service. It applies every
// CHANGE_MAP as MAP_CHANGED (presence follows), and walks a scheduled passenger straight back to its dock
// after each arrival, so that every trip of its route carries it.

const NIL = '00000000-0000-0000-0000-000000000000';

export interface Position {
  channelId: number;
  mapId: number;
  instance: string;
}

/** The character service's part: apply CHANGE_MAP as MAP_CHANGED, and send arrived passengers back to their dock. */
export function playCharacterService(
  app: App,
  homeDock: Map<number, { staging: number; destination: number }>,
) {
  const positions = new Map<number, Position>();
  const moveTo = (characterId: number, target: Position) => {
    const old = positions.get(characterId)!;
    positions.set(characterId, target);
    return app.bus.publish(
      'EVENT_TOPIC_CHARACTER_STATUS',
      {
        transactionId: NIL,
        worldId: 0,
        characterId,
        type: 'MAP_CHANGED',
        body: {
          channelId: target.channelId,
          oldMapId: old.mapId,
          oldInstance: old.instance,
          targetMapId: target.mapId,
          targetInstance: target.instance,
          targetPortalId: 0,
        },
      },
      { key: characterId, tenant: TENANT },
    );
  };
  app.bus.subscribe('COMMAND_TOPIC_CHARACTER', async (message) => {
    const { characterId, body } = message.value as { characterId: number; body: Position };
    await moveTo(characterId, { channelId: body.channelId, mapId: body.mapId, instance: body.instance });
    const home = homeDock.get(characterId);
    if (home && body.mapId === home.destination) {
      await moveTo(characterId, { channelId: body.channelId, mapId: home.staging, instance: NIL });
    }
  });
  return {
    login: async (characterId: number, position: Position) => {
      positions.set(characterId, position);
      await app.bus.publish(
        'EVENT_TOPIC_CHARACTER_STATUS',
        { transactionId: NIL, worldId: 0, characterId, type: 'LOGIN', body: position },
        { key: characterId, tenant: TENANT },
      );
    },
  };
}
