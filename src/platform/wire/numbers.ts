import { z } from 'zod';
import { isUuid, normaliseUuid } from '../tenant.js';

/**
 * The Go integer widths of Atlas's wire fields, for every domain's message and request schemas. A value out of its width (negative, too large,
 * fractional) is refused with a message naming the range, where Go's decoder would have failed.
 */
export function integer(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export const u8 = integer(0, 255);
export const u16 = integer(0, 65_535);
export const u32 = integer(0, 4_294_967_295);
export const i8 = integer(-128, 127);
export const i16 = integer(-32_768, 32_767);
export const i32 = integer(-2_147_483_648, 2_147_483_647);

/** Go's uuid.UUID accepts any version and variant bits; so does this (z.uuid would not). */
export const uuid = z
  .string({ error: 'must be a UUID' })
  .refine(isUuid, { error: 'must be a UUID' })
  .transform(normaliseUuid);

/** The first problem of a failed parse, as "path: message". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return `${path || '(root)'}: ${issue.message}`;
}
