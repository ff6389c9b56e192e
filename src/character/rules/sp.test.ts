import { describe, expect, it } from 'vitest';
import { addSp, distributeSp, formatSp, NEW_CHARACTER_SP, parseSp, skillBook } from './sp.js';

describe('parseSp', () => {
  it.each([
    ['0,0,0,0,0,0,0,0,0,0', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['0, 0, 0, 0, 0, 0, 0, 0, 0, 0', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['3, 1, 4,1 ,5,9,2,6,5,3', [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]],
    ['6', [6, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['1,x,3', [1, 0, 3, 0, 0, 0, 0, 0, 0, 0]],
    ['1,,3,-4,2.5,1e3', [1, 0, 3, 0, 0, 0, 0, 0, 0, 0]],
    ['1,2,3,4,5,6,7,8,9,10,11', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['007', [7, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ])('reads %j', (text, books) => {
    expect(parseSp(text)).toEqual(books);
  });
});

describe('formatSp', () => {
  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0], '0,0,0,0,0,0,0,0,0,0'],
    [[3, 1, 4, 1, 5, 9, 2, 6, 5, 3], '3,1,4,1,5,9,2,6,5,3'],
    [[6], '6,0,0,0,0,0,0,0,0,0'],
  ])('writes %j as %s', (books, text) => {
    expect(formatSp(books)).toBe(text);
  });

  it('writes ten zeros for a new character', () => {
    expect(NEW_CHARACTER_SP).toBe(formatSp([]));
  });
});

describe('skillBook', () => {
  it.each([
    [0, 0],
    [112, 0],
    [2001, 0],
    [2200, 0],
    [2210, 1],
    [2214, 5],
    [2218, 9],
    [2219, 0],
  ])('job %i uses book %i', (job, book) => {
    expect(skillBook(job)).toBe(book);
  });
});

describe('addSp', () => {
  it('adds to one book and keeps the others', () => {
    expect(addSp('1, 2, 3, 4, 5, 6, 7, 8, 9, 10', 4, 3)).toBe('1,2,3,4,8,6,7,8,9,10');
  });

  it('repairs a collapsed reference column', () => {
    expect(addSp('6', 0, 3)).toBe('9,0,0,0,0,0,0,0,0,0');
  });
});

describe('distributeSp', () => {
  it.each([
    ['5,0,0,0,0,0,0,0,0,0', 1_001_004, 1, '4,0,0,0,0,0,0,0,0,0', 0],
    ['5, 0, 0, 0, 0, 0, 0, 0, 0, 0', 1_000, 5, '0,0,0,0,0,0,0,0,0,0', 0],
    ['1,2,3,4,5,6,7,8,9,10', 22_141_002, 4, '1,2,3,4,5,2,7,8,9,10', 5],
    ['1,2,3,4,5,6,7,8,9,10', 22_001_001, 1, '0,2,3,4,5,6,7,8,9,10', 0],
  ])('spends from %j on skill %i (%i SP)', (sp, skillId, amount, after, book) => {
    expect(distributeSp({ sp }, skillId, amount)).toEqual({ ok: true, sp: after, book });
  });

  it.each([
    ['5,0,0,0,0,0,0,0,0,0', 1_130_000, 1, 'unable to locate job from skill'],
    ['5,0,0,0,0,0,0,0,0,0', 1_001_004, 6, 'not enough sp'],
    ['5,0,0,0,0,0,0,0,0,0', 22_101_000, 1, 'not enough sp'],
    ['5,0,0,0,0,0,0,0,0,0', 1_001_004, 0, 'invalid amount'],
    ['5,0,0,0,0,0,0,0,0,0', 1_001_004, -3, 'invalid amount'],
  ])('refuses %j on skill %i (%i SP)', (sp, skillId, amount, reason) => {
    expect(distributeSp({ sp }, skillId, amount)).toEqual({ ok: false, reason });
  });
});
