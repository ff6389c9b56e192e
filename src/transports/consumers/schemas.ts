import * as z from 'zod';
import { SkipMessage } from '../../platform/bus/consumer.js';
import { isUuid, normaliseUuid } from '../../platform/tenant.js';

// Messages are read in two steps: the envelope's `type` first (every topic carries types meant for other
// services, which are ignored without a word), then the full shape of the types this service handles.

export const byte = z.number().int().min(0).max(255);
export const uint32 = z.number().int().min(0).max(0xffff_ffff);
// Go's uuid.UUID accepts any version; so does this.
export const uuid = z.string().refine(isUuid, 'must be a UUID').transform(normaliseUuid);

export const envelope = z.looseObject({ type: z.string() });

/** Parses a handled type's full shape; a message that can never be handled is skipped and counted. */
export function parseOrSkip<S extends z.ZodType>(schema: S, value: unknown, type: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new SkipMessage(
    'schema',
    `${type} ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
}
