import { Job, jobFromSkillId } from './jobs.js';

/** Evan keeps one SP total per skill book; everyone else uses book 0 only. */
export const SKILL_BOOKS = 10;

/**
 * What a new character stores. The reference wrote "0, 0, ..." with spaces, which its own parser could
 * not read back; we write without spaces and read either.
 */
export const NEW_CHARACTER_SP = '0,0,0,0,0,0,0,0,0,0';

/** Reads the stored SP column; a missing, negative or unreadable book counts as 0. */
export function parseSp(text: string): number[] {
  const pieces = text.split(',');
  return Array.from({ length: SKILL_BOOKS }, (_, book) => {
    const piece = pieces[book]?.trim() ?? '';
    return /^\d+$/.test(piece) ? Number(piece) : 0;
  });
}

export function formatSp(books: readonly number[]): string {
  return Array.from({ length: SKILL_BOOKS }, (_, book) => books[book] ?? 0).join(',');
}

/** Evan stages 2-10 (2210-2218) use books 1-9; every other job, Evan stage 1 included, uses book 0. */
export function skillBook(jobId: number): number {
  return jobId >= Job.EVAN_2 && jobId <= Job.EVAN_10 ? jobId - 2209 : 0;
}

/** The SP column after adding `amount` to one book; the other books are kept as they were. */
export function addSp(sp: string, book: number, amount: number): string {
  const books = parseSp(sp);
  books[book] = (books[book] ?? 0) + amount;
  return formatSp(books);
}

export type SpRefusalReason = 'unable to locate job from skill' | 'not enough sp' | 'invalid amount';

export type SpDistribution =
  | { readonly ok: true; readonly sp: string; readonly book: number }
  | { readonly ok: false; readonly reason: SpRefusalReason };

/**
 * Spends SP on a skill, from the book of the skill's job (not the character's), as the reference does;
 * like the reference it does not check the skill belongs to the character's job tree.
 */
export function distributeSp(
  character: { readonly sp: string },
  skillId: number,
  amount: number,
): SpDistribution {
  const job = jobFromSkillId(skillId);
  if (job === undefined) return { ok: false, reason: 'unable to locate job from skill' };
  if (amount <= 0) return { ok: false, reason: 'invalid amount' };
  const book = skillBook(job);
  const books = parseSp(character.sp);
  const available = books[book] ?? 0;
  if (available < amount) return { ok: false, reason: 'not enough sp' };
  books[book] = available - amount;
  return { ok: true, sp: formatSp(books), book };
}
