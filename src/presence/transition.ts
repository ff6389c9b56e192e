import type { Field } from '../platform/fields.js';
import type { CharacterStatusEvent } from './character-events.js';

/**
 * What one character status event means for presence: the field the character leaves (announced as
 * CHARACTER_EXIT), the field it enters (CHARACTER_ENTER), or neither. Leaving without entering takes the
 * character out of the game.
 */
export interface Transition {
  readonly exit?: Field;
  readonly enter?: Field;
}

/**
 * The atlas-maps reactions (wire.md §3.4): LOGIN enters, LOGOUT exits, MAP_CHANGED exits the old map then
 * enters the target on the same channel, CHANNEL_CHANGED exits the same map on the old channel then enters
 * it on the new one. DELETED only forgets: atlas-maps drops the character from its registry without a message.
 * CREATED only seeds an offline location (the processor), announcing nothing.
 */
export function transitionOf(event: CharacterStatusEvent): Transition {
  switch (event.type) {
    case 'LOGIN': {
      const { channelId, mapId, instance } = event.body;
      return { enter: { worldId: event.worldId, channelId, mapId, instance } };
    }
    case 'LOGOUT': {
      const { channelId, mapId, instance } = event.body;
      return { exit: { worldId: event.worldId, channelId, mapId, instance } };
    }
    case 'MAP_CHANGED': {
      const { channelId, oldMapId, oldInstance, targetMapId, targetInstance } = event.body;
      return {
        exit: { worldId: event.worldId, channelId, mapId: oldMapId, instance: oldInstance },
        enter: { worldId: event.worldId, channelId, mapId: targetMapId, instance: targetInstance },
      };
    }
    case 'CHANNEL_CHANGED': {
      const { channelId, oldChannelId, mapId, instance } = event.body;
      return {
        exit: { worldId: event.worldId, channelId: oldChannelId, mapId, instance },
        enter: { worldId: event.worldId, channelId, mapId, instance },
      };
    }
    case 'CREATED':
    case 'DELETED':
      return {};
  }
}
