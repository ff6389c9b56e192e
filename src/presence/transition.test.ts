import { describe, expect, it } from 'vitest';
import { NIL_UUID } from '../platform/tenant.js';
import type { CharacterStatusEvent } from './character-events.js';
import { type Transition, transitionOf } from './transition.js';

const INSTANCE = '6f1c2a4e-9b3d-4c1e-8a7f-2d5e6b7c8d9e';
const base = { worldId: 2, characterId: 7 };

const cases: ReadonlyArray<[string, CharacterStatusEvent, Transition]> = [
  [
    'LOGIN enters the field it names',
    { ...base, type: 'LOGIN', body: { channelId: 1, mapId: 100000000, instance: NIL_UUID } },
    { enter: { worldId: 2, channelId: 1, mapId: 100000000, instance: NIL_UUID } },
  ],
  [
    'LOGOUT exits the field it names',
    { ...base, type: 'LOGOUT', body: { channelId: 3, mapId: 101000000, instance: NIL_UUID } },
    { exit: { worldId: 2, channelId: 3, mapId: 101000000, instance: NIL_UUID } },
  ],
  [
    'MAP_CHANGED exits the old map instance and enters the target on the same channel',
    {
      ...base,
      type: 'MAP_CHANGED',
      body: {
        channelId: 1,
        oldMapId: 200090000,
        oldInstance: NIL_UUID,
        targetMapId: 200090030,
        targetInstance: INSTANCE,
      },
    },
    {
      exit: { worldId: 2, channelId: 1, mapId: 200090000, instance: NIL_UUID },
      enter: { worldId: 2, channelId: 1, mapId: 200090030, instance: INSTANCE },
    },
  ],
  [
    'CHANNEL_CHANGED exits the map on the old channel and enters it on the new one',
    {
      ...base,
      type: 'CHANNEL_CHANGED',
      body: { channelId: 4, oldChannelId: 1, mapId: 104000000, instance: NIL_UUID },
    },
    {
      exit: { worldId: 2, channelId: 1, mapId: 104000000, instance: NIL_UUID },
      enter: { worldId: 2, channelId: 4, mapId: 104000000, instance: NIL_UUID },
    },
  ],
  ['DELETED neither exits nor enters', { characterId: 7, type: 'DELETED' }, {}],
];

describe('transitionOf', () => {
  it.each(cases)('%s', (_name, event, expected) => {
    expect(transitionOf(event)).toEqual(expected);
  });
});
