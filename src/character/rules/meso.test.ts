import { describe, expect, it } from 'vitest';
import { changeMeso, dropMeso, pickUpMeso } from './meso.js';

const ok = (meso: number) => ({ ok: true, meso });
const refused = (reason: string) => ({ ok: false, reason });

describe('changeMeso', () => {
  it.each([
    [100, 50, ok(150)],
    [100, -50, ok(50)],
    [100, -100, ok(0)],
    [100, -101, refused('NOT_ENOUGH_MESO')],
    [0, -2_147_483_648, refused('NOT_ENOUGH_MESO')],
    [4_294_967_000, 295, ok(4_294_967_295)],
    [4_294_967_000, 296, refused('OVERFLOW')],
    [0, 2_147_483_647, ok(2_147_483_647)],
    [7, 0, ok(7)],
  ])('meso %i %+i', (meso, amount, result) => {
    expect(changeMeso(meso, amount)).toEqual(result);
  });
});

describe('dropMeso', () => {
  it.each([
    [100, 10, ok(90)],
    [100, 100, ok(0)],
    [100, 101, refused('NOT_ENOUGH_MESO')],
    [0, 50_000, refused('NOT_ENOUGH_MESO')],
  ])('meso %i drops %i', (meso, amount, result) => {
    expect(dropMeso(meso, amount)).toEqual(result);
  });
});

describe('pickUpMeso', () => {
  it.each([
    [100, 10, ok(110)],
    [4_294_967_290, 5, ok(4_294_967_295)],
    [4_294_967_290, 6, refused('OVERFLOW')],
  ])('meso %i picks up %i', (meso, amount, result) => {
    expect(pickUpMeso(meso, amount)).toEqual(result);
  });
});
