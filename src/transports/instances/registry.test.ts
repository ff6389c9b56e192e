import { describe, expect, it } from 'vitest';
import type { InstanceRoute } from '../core/model.js';
import { InstanceRegistry } from './registry.js';

const TENANT_A = { id: 'a', region: 'GMS', majorVersion: 83, minorVersion: 1 };
const TENANT_B = { id: 'b', region: 'GMS', majorVersion: 83, minorVersion: 1 };
const route = (capacity: number): InstanceRoute => ({
  id: `route-${capacity}`,
  slug: 'r',
  name: 'r',
  startMapId: 1,
  transitMapIds: [2],
  destinationMapId: 3,
  capacity,
  boardingWindowMs: 10_000,
  travelMs: 30_000,
  transitMessage: '',
  effectItemIds: [],
  forcedReturnMapId: 0,
});
const rider = (characterId: number) => ({ characterId, worldId: 0, channelId: 1 });

function ids() {
  let next = 0;
  return () => `instance-${++next}`;
}

describe('instance registry', () => {
  it('fills an instance up to its capacity, then opens the next', () => {
    const registry = new InstanceRegistry();
    const newId = ids();
    const boarded = [1, 2, 3, 4, 5].map((c) => registry.board(TENANT_A, route(2), rider(c), 1_000, newId));
    expect(boarded.map((b) => b.ok && [b.instance.id, b.created])).toEqual([
      ['instance-1', true],
      ['instance-1', false],
      ['instance-2', true],
      ['instance-2', false],
      ['instance-3', true],
    ]);
    const [first] = registry.ofRoute('a', 'route-2');
    expect(first).toMatchObject({
      boardingUntil: 11_000,
      arrivalAt: 41_000,
      createdAt: 1_000,
      state: 'boarding',
    });
  });

  it('does not board into an instance whose boarding has closed (boardingUntil excluded)', () => {
    const registry = new InstanceRegistry();
    const newId = ids();
    registry.board(TENANT_A, route(5), rider(1), 0, newId);
    const late = registry.board(TENANT_A, route(5), rider(2), 10_000, newId);
    expect(late.ok && late.instance.id).toBe('instance-2');
  });

  it('refuses a character already riding, per tenant only (C6)', () => {
    const registry = new InstanceRegistry();
    const newId = ids();
    expect(registry.board(TENANT_A, route(5), rider(1), 0, newId).ok).toBe(true);
    expect(registry.board(TENANT_A, route(5), rider(1), 0, newId)).toEqual({
      ok: false,
      reason: 'already-riding',
    });
    expect(registry.board(TENANT_B, route(5), rider(1), 0, newId).ok).toBe(true);
    expect(registry.instanceOf('b', 1)?.tenant).toBe(TENANT_B);
  });

  it('takes characters off and releases instances, remembering the last route for login recovery', () => {
    const registry = new InstanceRegistry();
    const newId = ids();
    registry.board(TENANT_A, route(5), rider(1), 0, newId);
    registry.board(TENANT_A, route(5), rider(2), 0, newId);
    expect(registry.leave('a', 1)?.instance.characters.map((c) => c.characterId)).toEqual([2]);
    expect(registry.instanceOf('a', 1)).toBeUndefined();
    expect(registry.lastRouteOf('a', 1)).toBe('route-5');
    expect(registry.release('a', 'instance-1').map((c) => c.characterId)).toEqual([2]);
    expect(registry.instanceOf('a', 2)).toBeUndefined();
    expect(registry.ofRoute('a', 'route-5')).toEqual([]);
    expect(registry.count()).toBe(0);
  });
});
