import { describe, expect, it } from 'vitest';
import { isValidNameFormat } from './names.js';

describe('isValidNameFormat', () => {
  it.each([
    ['Abc', true],
    ['Ab', false],
    ['AB', false],
    ['Hero123', true],
    ['123', true],
    ['TwelveChars1', true],
    ['ThirteenChar1', false],
    ['ThisNameIsTooLong', false],
    ['Test@Name!', false],
    ['%%%', false],
    ['@!#$%', false],
    ['Abc ', false],
    [' Abc', false],
    ['Ab c', false],
    ['Abc\n', false],
    ['', false],
    ['ひらがな', true],
    ['カタカナ', true],
    ['漢字名', true],
    ['メイプル01', true],
    ['一二三四五六七八九十壱弐', true],
    ['一二三四五六七八九十壱弐参', false],
    ['Ábc', false],
    ['한글이름', false],
    ['Ab😀', false],
    ['ｱｲｳ', false],
  ])('%j → %s', (name, expected) => {
    expect(isValidNameFormat(name)).toBe(expected);
  });
});
