import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TENANT } from '../../../test/support/tenant.js';
import { createLogger } from '../logging.js';
import { Metrics } from '../metrics.js';
import { encodeJson } from '../wire/envelope.js';
import { type Headers, tenantHeaders } from '../wire/headers.js';
import { integerKey } from '../wire/keys.js';
import { consume, type MessageContext, SkipMessage } from './consumer.js';
import { MemoryBus } from './memory-bus.js';

const TOPIC = 'COMMAND_TOPIC_CHARACTER';
const GROUP = 'Character Service';
const schema = z.object({ characterId: z.number().int(), type: z.literal('LOGIN') });

async function malformed(metrics: Metrics, reason: string): Promise<number> {
  const metric = await metrics.busMalformed.get();
  return metric.values.find((v) => v.labels.reason === reason && v.labels.topic === TOPIC)?.value ?? 0;
}

async function setup(
  options: {
    tenant?: 'required' | 'optional';
    handle?: (v: z.infer<typeof schema>, c: MessageContext) => void | Promise<void>;
  } = {},
) {
  const metrics = new Metrics();
  const bus = new MemoryBus({ retryDelaysMs: [0, 0] });
  const handled: Array<{ value: z.infer<typeof schema>; context: MessageContext }> = [];
  await consume({
    bus,
    topic: TOPIC,
    group: GROUP,
    start: 'earliest',
    schema,
    logger: createLogger('silent'),
    metrics,
    tenant: options.tenant,
    handle: async (value, context) => {
      handled.push({ value, context });
      await options.handle?.(value, context);
    },
  });
  const send = (value: Buffer | unknown, headers: Headers = tenantHeaders(TENANT), key = integerKey(5)) =>
    bus.publish(TOPIC, [{ key, value: Buffer.isBuffer(value) ? value : encodeJson(value), headers }]);
  return { metrics, bus, handled, send };
}

describe('consume', () => {
  it('hands the handler the parsed value and the tenant read from the headers', async () => {
    const { bus, handled, send } = await setup();
    const traceparent = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    await send({ characterId: 5, type: 'LOGIN' }, { ...tenantHeaders(TENANT), traceparent });
    await bus.idle();
    expect(handled).toHaveLength(1);
    const [{ value, context }] = handled as [(typeof handled)[number]];
    expect(value).toEqual({ characterId: 5, type: 'LOGIN' });
    expect(context.tenant).toEqual(TENANT);
    expect(context.topic).toBe(TOPIC);
    expect(context.key.toString('hex')).toBe('0500000000000000');
    expect(context.headers.traceparent?.equals(traceparent)).toBe(true);
  });

  it('skips and counts malformed JSON, then goes on', async () => {
    const { bus, handled, send, metrics } = await setup();
    await send(Buffer.from('{"characterId":'));
    await send({ characterId: 6, type: 'LOGIN' });
    await bus.idle();
    expect(handled.map((h) => h.value.characterId)).toEqual([6]);
    expect(await malformed(metrics, 'json')).toBe(1);
    expect(bus.deadLetters()).toEqual([]);
  });

  it('skips and counts a value that does not match the schema', async () => {
    const { bus, handled, send, metrics } = await setup();
    await send({ characterId: 'five', type: 'LOGIN' });
    await send({ characterId: 5, type: 'LOGOUT' });
    await bus.idle();
    expect(handled).toEqual([]);
    expect(await malformed(metrics, 'schema')).toBe(2);
  });

  it('skips and counts a message without valid tenant headers', async () => {
    const { bus, handled, send, metrics } = await setup();
    await send({ characterId: 5, type: 'LOGIN' }, {});
    await send(
      { characterId: 5, type: 'LOGIN' },
      { ...tenantHeaders(TENANT), TENANT_ID: Buffer.from('short') },
    );
    await bus.idle();
    expect(handled).toEqual([]);
    expect(await malformed(metrics, 'tenant')).toBe(2);
    expect(await metrics.registry.getSingleMetricAsString('bus_messages_malformed_total')).toContain(
      `bus_messages_malformed_total{topic="${TOPIC}",group="${GROUP}",reason="tenant"} 2`,
    );
  });

  it('accepts a tenant-less message when the tenant is optional', async () => {
    const { bus, handled, send, metrics } = await setup({ tenant: 'optional' });
    await send({ characterId: 5, type: 'LOGIN' }, {});
    await bus.idle();
    expect(handled).toHaveLength(1);
    expect(handled[0]!.context.tenant.id).toBe('');
    expect(await malformed(metrics, 'tenant')).toBe(0);
  });

  it('counts a SkipMessage under its reason and does not retry it', async () => {
    const { bus, handled, send, metrics } = await setup({
      handle: () => {
        throw new SkipMessage('unknown-character', 'character 5 does not exist');
      },
    });
    await send({ characterId: 5, type: 'LOGIN' });
    await bus.idle();
    expect(handled).toHaveLength(1);
    expect(await malformed(metrics, 'unknown-character')).toBe(1);
    expect(bus.deadLetters()).toEqual([]);
  });

  it('lets other errors reach the bus: retried, then dead-lettered', async () => {
    let failures = 0;
    const { bus, handled, send, metrics } = await setup({
      handle: (value) => {
        if (value.characterId === 1) {
          failures++;
          throw new Error('database down');
        }
        if (value.characterId === 2 && failures++ < 4) throw new Error('blip');
      },
    });
    await send({ characterId: 1, type: 'LOGIN' });
    await send({ characterId: 2, type: 'LOGIN' });
    await bus.idle();
    // Message 1: three attempts, then set aside. Message 2: fails once more (4th failure), then succeeds.
    expect(handled.map((h) => h.value.characterId)).toEqual([1, 1, 1, 2, 2]);
    expect(bus.deadLetters().map((l) => [l.error, l.attempts])).toEqual([['database down', 3]]);
    const total = (await metrics.busMalformed.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(total).toBe(0);
  });
});
