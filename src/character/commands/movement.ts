import type { Subscription } from '../../platform/bus/bus.js';
import { isUuid } from '../../platform/tenant.js';
import type { Positions } from '../position.js';
import { type ConsumerDeps, subscriptionOf } from './deps.js';
import { type MovementFields, readMovement } from './movement-reader.js';

interface Movement {
  readonly objectId: number;
  readonly x: number;
  readonly y: number;
  /** Absent from the reference's (1ec) producers: the foothold then reads as 0. */
  readonly fh?: number;
  readonly stance: number;
}

const isInt16 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= -32_768 && v <= 32_767;

/** The fields the position needs; the rest (world, channel, map, observer) is not read. */
export function isMovement(value: unknown): value is Movement {
  if (typeof value !== 'object' || value === null) return false;
  // Typed by the reader's keys: the check can only read a field the fast reader fills too.
  const m = value as MovementFields;
  const { objectId, stance } = m;
  return (
    typeof objectId === 'number' &&
    Number.isInteger(objectId) &&
    objectId >= 0 &&
    isInt16(m.x) &&
    isInt16(m.y) &&
    (m.fh === undefined || isInt16(m.fh)) &&
    typeof stance === 'number' &&
    Number.isInteger(stance) &&
    stance >= 0 &&
    stance <= 255
  );
}

/**
 * COMMAND_TOPIC_CHARACTER_MOVEMENT: the busiest topic, so it is handled synchronously with a hand-written
 * check instead of the schema pipeline, and the tenant id is parsed once per distinct header value. A bad
 * message is still logged, counted and skipped like any other.
 */
export function consumeMovement(
  deps: Omit<ConsumerDeps, 'ctx'>,
  positions: Positions,
): Promise<Subscription> {
  const { logger, metrics, group } = subscriptionOf(deps);
  const topic = deps.messages.topic('COMMAND_TOPIC_CHARACTER_MOVEMENT');
  let lastHeader: Buffer | undefined;
  let lastTenantId = '';
  const skip = (reason: string, value: Buffer, detail: string) => {
    metrics.busMalformed.inc({ topic, group, reason });
    logger.warn({ topic, group, reason, detail, value: value.toString('utf8') }, 'message skipped');
  };
  return deps.bus.subscribe(
    topic,
    group,
    (message) => {
      // The plain form producers write is read from the bytes; anything else goes through JSON.parse.
      let value: unknown = readMovement(message.value);
      if (value === undefined) {
        try {
          value = JSON.parse(message.value.toString('utf8'));
        } catch (error) {
          skip('json', message.value, (error as Error).message);
          return;
        }
      }
      if (!isMovement(value)) {
        skip(
          'schema',
          message.value,
          'objectId, x, y (int16) and stance (uint8) are required; fh is an int16',
        );
        return;
      }
      const header = message.headers.TENANT_ID;
      if (header === undefined || lastHeader === undefined || !header.equals(lastHeader)) {
        const text = header?.length === 36 ? header.toString('ascii') : '';
        if (!isUuid(text)) {
          skip('tenant', message.value, 'missing or invalid tenant headers');
          return;
        }
        lastHeader = header;
        lastTenantId = text.toLowerCase();
      }
      // The reference keys positions by uint32(objectId).
      const { x, y, fh = 0, stance } = value;
      positions.set(lastTenantId, value.objectId % 4_294_967_296, x, y, fh, stance);
    },
    { start: 'earliest' },
  );
}
