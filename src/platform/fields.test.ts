import { describe, expect, it } from 'vitest';
import { TENANT } from '../../test/support/tenant.js';
import { charactersInFields, FieldDirectoryHolder } from './fields.js';

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

describe('charactersInFields: many fields at once', () => {
  const OTHER = { ...FIELD, channelId: 2 };
  const queries = [
    { tenant: TENANT, field: FIELD },
    { tenant: TENANT, field: OTHER },
  ];

  it('asks a directory without a batch field by field: one failed field leaves the others answered', async () => {
    const answers = await charactersInFields(
      {
        charactersIn: async (_tenant, field) => {
          if (field.channelId === 2) throw new Error('channel 2 unreadable');
          return [7];
        },
      },
      queries,
    );
    expect(answers[0]).toEqual({ status: 'fulfilled', value: [7] });
    expect(answers[1]).toMatchObject({ status: 'rejected', reason: { message: 'channel 2 unreadable' } });
  });

  it('answers every query of a failed batch as failed instead of rejecting (a burst still sends)', async () => {
    const answers = await charactersInFields(
      {
        charactersIn: async () => [1],
        charactersInFields: async () => {
          throw new Error('statement failed');
        },
      },
      queries,
    );
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });

  it('passes a batch through the holder, and fails it whole without a provider', async () => {
    const holder = new FieldDirectoryHolder();
    await expect(holder.charactersInFields(queries)).rejects.toThrow(/MAPS_SERVICE_URL/);
    expect((await charactersInFields(holder, queries)).map((answer) => answer.status)).toEqual([
      'rejected',
      'rejected',
    ]);
    holder.provide({
      charactersIn: async () => [],
      charactersInFields: async (asked) => asked.map(() => ({ status: 'fulfilled', value: [3] })),
    });
    expect(await charactersInFields(holder, queries)).toEqual([
      { status: 'fulfilled', value: [3] },
      { status: 'fulfilled', value: [3] },
    ]);
  });
});
