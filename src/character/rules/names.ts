/**
 * ASCII letters and digits, Hiragana, Katakana and CJK ideographs, 3 to 12 code points. Anchored: the
 * reference's unanchored pattern accepted any name merely containing three such characters.
 */
const NAME_FORMAT = /^[A-Za-z0-9\u3040-\u309F\u30A0-\u30FF\u4E00-\u9FAF]{3,12}$/u;

/** The shape of a character name only; uniqueness per tenant is the database's unique index. */
export function isValidNameFormat(name: string): boolean {
  return NAME_FORMAT.test(name);
}
