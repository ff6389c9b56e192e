import { z } from 'zod';
import { isUuid } from '../platform/tenant.js';

/**
 * The Go integer widths of the reference's wire fields. A value out of its width (negative, too large,
 * fractional) is refused with a message naming the range, where Go's decoder would have failed.
 */
function integer(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export const u8 = integer(0, 255);
export const u16 = integer(0, 65_535);
export const u32 = integer(0, 4_294_967_295);
export const i8 = integer(-128, 127);
export const i16 = integer(-32_768, 32_767);
export const i32 = integer(-2_147_483_648, 2_147_483_647);
/** GM level: the reference's Go int; non-negative and within what every client reads. */
export const gmLevel = integer(0, 2_147_483_647);

export const uuid = z
  .string({ error: 'must be a UUID' })
  .refine(isUuid, { error: 'must be a UUID' })
  .transform((s) => s.toLowerCase());

/** The first problem of a failed parse, as "path: message". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
