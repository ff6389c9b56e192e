import * as z from 'zod';

// Messages are read in two steps: the envelope's `type` first (every topic carries types meant for other
// services, which are ignored without a word), then the full shape of the types this service handles
// (platform/bus/consumer.ts parseBody, with the Go integer widths of platform/wire/numbers.ts).
export const envelope = z.looseObject({ type: z.string() });
