import { describe, expect, it } from 'vitest';
import { TENANT } from '../../../test/support/tenant.js';
import { resolveTopics } from '../topics.js';
import type { BusMessage } from './bus.js';
import { MessageFactory, type OutgoingMessage, publishAll } from './messages.js';

const factory = new MessageFactory(resolveTopics({ COMMAND_TOPIC_CHARACTER: 'commands-main' }));

describe('MessageFactory', () => {
  it('resolves the topic, writes the key, body and tenant headers', () => {
    const message = factory.create(
      'COMMAND_TOPIC_CHARACTER',
      1,
      { characterId: 1, type: 'CHANGE_MAP' },
      { tenant: TENANT },
    );
    expect(message.topic).toBe('commands-main');
    expect(message.key.toString('hex')).toBe('0100000000000000');
    expect(message.value.toString()).toBe('{"characterId":1,"type":"CHANGE_MAP"}');
    // Go's order: the span decorator's header first, then the tenant's.
    expect(Object.keys(message.headers)).toEqual([
      'traceparent',
      'TENANT_ID',
      'REGION',
      'MAJOR_VERSION',
      'MINOR_VERSION',
    ]);
    expect(message.headers.traceparent!.toString()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(message.headers.MINOR_VERSION!.toString('hex')).toBe('0001');
  });

  it('writes no tenant headers without a tenant', () => {
    const message = factory.create('EVENT_TOPIC_CONFIGURATION_STATUS', TENANT.id, { type: 'ROUTES_UPDATED' });
    expect(message.topic).toBe('EVENT_TOPIC_CONFIGURATION_STATUS');
    expect(message.key.toString()).toBe(TENANT.id);
    expect(Object.keys(message.headers)).toEqual(['traceparent']);
  });

  it('writes exactly the given headers for a host-published message', () => {
    const message = factory.create('COMMAND_TOPIC_CHARACTER', 1, {}, { traced: false });
    expect(message.headers).toEqual({});
  });

  it("shares the tenant's frozen headers between untraced messages, so no message can change another's", () => {
    const first = factory.create('COMMAND_TOPIC_CHARACTER', 1, {}, { tenant: TENANT, traced: false });
    const second = factory.create('COMMAND_TOPIC_CHARACTER', 2, {}, { tenant: TENANT, traced: false });
    expect(second.headers).toBe(first.headers);
    expect(Object.keys(first.headers)).toEqual(['TENANT_ID', 'REGION', 'MAJOR_VERSION', 'MINOR_VERSION']);
    expect(() => {
      first.headers.OTHER = Buffer.from('x');
    }).toThrow(TypeError);
    expect(second.headers.OTHER).toBeUndefined();
  });

  it('continues the trace of the cause with a span of its own, and carries nothing else of it', () => {
    const traceparent = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    const cause = {
      traceparent,
      TENANT_ID: Buffer.from('5b7c2f0e-1d3a-4c8b-9e6f-0a1b2c3d4e5f'),
      OTHER: Buffer.from('x'),
    };
    const message = factory.create('COMMAND_TOPIC_CHARACTER', 2, {}, { tenant: TENANT, cause });
    const [, trace, span] = message.headers.traceparent!.toString().split('-');
    expect(trace).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span).not.toBe('00f067aa0ba902b7');
    expect(message.headers.TENANT_ID!.toString()).toBe(TENANT.id);
    expect(message.headers.OTHER).toBeUndefined();
  });

  it("writes a traced cause's headers in order: traceparent, tracestate, then the tenant's", () => {
    const cause = {
      traceparent: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
      tracestate: Buffer.from('a=b'),
    };
    const message = factory.create('COMMAND_TOPIC_CHARACTER', 2, {}, { tenant: TENANT, cause });
    expect(Object.keys(message.headers)).toEqual([
      'traceparent',
      'tracestate',
      'TENANT_ID',
      'REGION',
      'MAJOR_VERSION',
      'MINOR_VERSION',
    ]);
    expect(message.headers.tracestate!.toString()).toBe('a=b');
  });
});

describe('publishAll', () => {
  it('publishes consecutive messages of a topic together, keeping the buffer’s order', async () => {
    const calls: Array<[string, string[]]> = [];
    const bus = {
      publish: async (topic: string, messages: readonly BusMessage[]) => {
        calls.push([topic, messages.map((m) => m.value.toString())]);
      },
    };
    const m = (topic: string, value: string): OutgoingMessage => ({
      topic,
      key: Buffer.alloc(0),
      value: Buffer.from(value),
      headers: {},
    });
    await publishAll(bus, [m('a', '1'), m('a', '2'), m('b', '3'), m('a', '4')]);
    expect(calls).toEqual([
      ['a', ['1', '2']],
      ['b', ['3']],
      ['a', ['4']],
    ]);
    await publishAll(bus, []);
    expect(calls).toHaveLength(3);
  });
});
