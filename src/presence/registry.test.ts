import { describe, expect, it } from 'vitest';
import type { Field } from '../platform/fields.js';
import { NIL_UUID } from '../platform/tenant.js';
import { PresenceRegistry } from './registry.js';

const A = 'tenant-a';
const B = 'tenant-b';
const INSTANCE = '6f1c2a4e-9b3d-4c1e-8a7f-2d5e6b7c8d9e';
const henesys: Field = { worldId: 0, channelId: 1, mapId: 100000000, instance: NIL_UUID };
const ellinia: Field = { worldId: 0, channelId: 1, mapId: 101000000, instance: NIL_UUID };

describe('PresenceRegistry', () => {
  it('lists the characters in a field in ascending order', () => {
    const registry = new PresenceRegistry();
    for (const id of [30, 4, 12]) registry.place(A, id, henesys);
    expect(registry.charactersIn(A, henesys)).toEqual([4, 12, 30]);
  });

  it('a character stands in one field at a time: placing it elsewhere moves it', () => {
    const registry = new PresenceRegistry();
    registry.place(A, 1, henesys);
    registry.place(A, 1, ellinia);
    expect(registry.charactersIn(A, henesys)).toEqual([]);
    expect(registry.charactersIn(A, ellinia)).toEqual([1]);
    expect(registry.fieldOf(A, 1)).toEqual(ellinia);
  });

  it('placing a character twice in the same field keeps one entry', () => {
    const registry = new PresenceRegistry();
    registry.place(A, 1, henesys);
    registry.place(A, 1, henesys);
    expect(registry.charactersIn(A, henesys)).toEqual([1]);
  });

  it('remove returns the field the character stood in, then forgets it', () => {
    const registry = new PresenceRegistry();
    registry.place(A, 1, henesys);
    expect(registry.remove(A, 1)).toEqual(henesys);
    expect(registry.remove(A, 1)).toBeUndefined();
    expect(registry.fieldOf(A, 1)).toBeUndefined();
    expect(registry.charactersIn(A, henesys)).toEqual([]);
  });

  it('tells instances, channels and worlds of one map apart', () => {
    const registry = new PresenceRegistry();
    registry.place(A, 1, henesys);
    registry.place(A, 2, { ...henesys, instance: INSTANCE });
    registry.place(A, 3, { ...henesys, channelId: 2 });
    registry.place(A, 4, { ...henesys, worldId: 1 });
    expect(registry.charactersIn(A, henesys)).toEqual([1]);
    expect(registry.charactersIn(A, { ...henesys, instance: INSTANCE })).toEqual([2]);
    expect(registry.charactersIn(A, { ...henesys, channelId: 2 })).toEqual([3]);
    expect(registry.charactersIn(A, { ...henesys, worldId: 1 })).toEqual([4]);
  });

  it('matches instances whatever the case of their hex digits', () => {
    const registry = new PresenceRegistry();
    registry.place(A, 1, { ...henesys, instance: INSTANCE.toUpperCase() });
    expect(registry.charactersIn(A, { ...henesys, instance: INSTANCE })).toEqual([1]);
    expect(registry.fieldOf(A, 1)?.instance).toBe(INSTANCE);
  });

  it('keeps tenants apart, even for the same character id', () => {
    const registry = new PresenceRegistry();
    registry.place(A, 1, henesys);
    registry.place(B, 1, ellinia);
    expect(registry.charactersIn(A, henesys)).toEqual([1]);
    expect(registry.charactersIn(B, henesys)).toEqual([]);
    registry.remove(B, 1);
    expect(registry.fieldOf(A, 1)).toEqual(henesys);
  });
});
