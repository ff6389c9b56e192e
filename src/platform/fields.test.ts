import { describe, expect, it } from 'vitest';
import { TENANT } from '../../test/support/tenant.js';
import { FieldDirectoryHolder } from './fields.js';

const FIELD = {
  worldId: 0,
  channelId: 1,
  mapId: 101000300,
  instance: '00000000-0000-0000-0000-000000000000',
};

describe('FieldDirectoryHolder', () => {
  it('refuses to answer until a directory is provided', async () => {
    const holder = new FieldDirectoryHolder();
    expect(holder.available).toBe(false);
    await expect(holder.charactersIn(TENANT, FIELD)).rejects.toThrow(/MAPS_SERVICE_URL/);
  });

  it('asks the provided directory', async () => {
    const holder = new FieldDirectoryHolder();
    const asked: unknown[] = [];
    holder.provide({
      charactersIn: async (tenant, field) => {
        asked.push([tenant.id, field.mapId]);
        return [1, 2];
      },
    });
    expect(holder.available).toBe(true);
    expect(await holder.charactersIn(TENANT, FIELD)).toEqual([1, 2]);
    expect(asked).toEqual([[TENANT.id, 101000300]]);
  });
});
