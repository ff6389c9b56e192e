import { describe, expect, it } from 'vitest';
import { deferred, flush, watch } from '../../../test/support/deferred.js';
import { TENANT } from '../../../test/support/tenant.js';
import { tenantHeaders } from '../wire/headers.js';
import { integerKey } from '../wire/keys.js';
import type { BusMessage, BusObserver, DeadLetter, DeliveredMessage } from './bus.js';
import { MemoryBus } from './memory-bus.js';

const TOPIC = 'COMMAND_TOPIC_CHARACTER';
function message(key: number, text: string, headers = tenantHeaders(TENANT)): BusMessage {
  return { key: integerKey(key), value: Buffer.from(text), headers };
}

const text = (m: DeliveredMessage) => m.value.toString('utf8');

function recordingObserver() {
  const events = { handled: 0, retried: [] as number[], failed: [] as DeadLetter[] };
  const observer: BusObserver = {
    handled: () => {
      events.handled++;
    },
    retried: (_topic, _group, attempt) => {
      events.retried.push(attempt);
    },
    failed: (_topic, _group, letter) => {
      events.failed.push(letter);
    },
  };
  return { events, observer };
}

describe('MemoryBus delivery', () => {
  it('delivers the bytes as published, with topic and offsets', async () => {
    const bus = new MemoryBus();
    const seen: DeliveredMessage[] = [];
    await bus.subscribe(TOPIC, 'g', (m) => {
      seen.push(m);
    });
    const sent = message(1, '{"type":"A"}');
    await bus.publish(TOPIC, [sent, message(2, '{"type":"B"}')]);
    await bus.idle();
    expect(seen.map((m) => [m.topic, m.offset, text(m)])).toEqual([
      [TOPIC, 0, '{"type":"A"}'],
      [TOPIC, 1, '{"type":"B"}'],
    ]);
    expect(seen[0]!.key.equals(sent.key)).toBe(true);
    expect(seen[0]!.headers.MAJOR_VERSION!.toString('hex')).toBe('0053');
  });

  it('never runs a handler inside publish', async () => {
    const bus = new MemoryBus();
    let calls = 0;
    await bus.subscribe(TOPIC, 'g', () => {
      calls++;
    });
    const published = bus.publish(TOPIC, [message(1, 'x')]);
    expect(calls).toBe(0);
    await published;
    await bus.idle();
    expect(calls).toBe(1);
  });

  it('keeps order per key: the next message of a key waits until the previous handler settled', async () => {
    const bus = new MemoryBus();
    const gate = deferred();
    const firstStarted = deferred();
    const log: string[] = [];
    await bus.subscribe(TOPIC, 'g', async (m) => {
      log.push(`start ${text(m)}`);
      if (text(m) === 'A1') {
        firstStarted.resolve();
        await gate.promise;
      }
      log.push(`end ${text(m)}`);
    });
    await bus.publish(TOPIC, [message(1, 'A1'), message(1, 'A2'), message(1, 'A3')]);
    await firstStarted.promise;
    await flush();
    expect(log).toEqual(['start A1']);

    gate.resolve();
    await bus.idle();
    expect(log).toEqual(['start A1', 'end A1', 'start A2', 'end A2', 'start A3', 'end A3']);
  });

  it('delivers other keys while one key’s handler is still pending', async () => {
    const bus = new MemoryBus();
    const gateA = deferred();
    const startedA = deferred();
    const handledB = deferred();
    const log: string[] = [];
    await bus.subscribe(TOPIC, 'g', async (m) => {
      log.push(text(m));
      if (text(m) === 'A1') {
        startedA.resolve();
        await gateA.promise;
      }
      if (text(m) === 'B1') handledB.resolve();
    });
    await bus.publish(TOPIC, [message(1, 'A1'), message(1, 'A2'), message(2, 'B1')]);
    await startedA.promise;
    // B1 is handled although A1's handler has not returned: no sleep, the promise proves it.
    await handledB.promise;
    expect(gateA.settled).toBe(false);
    expect(log).toEqual(['A1', 'B1']);

    const idle = watch(bus.idle());
    await flush();
    expect(idle.done).toBe(false);
    expect(bus.pending()).toBe(2);

    gateA.resolve();
    await bus.idle();
    expect(log).toEqual(['A1', 'B1', 'A2']);
    expect(bus.pending()).toBe(0);
  });

  it('retries a failing handler: at-least-once', async () => {
    const { events, observer } = recordingObserver();
    const bus = new MemoryBus({ retryDelaysMs: [0, 0], observer });
    const attempts: string[] = [];
    let failures = 1;
    await bus.subscribe(TOPIC, 'g', (m) => {
      attempts.push(text(m));
      if (text(m) === 'flaky' && failures-- > 0) throw new Error('database unavailable');
    });
    await bus.publish(TOPIC, [message(1, 'flaky'), message(1, 'next')]);
    await bus.idle();
    expect(attempts).toEqual(['flaky', 'flaky', 'next']);
    expect(events.retried).toEqual([1]);
    expect(events.handled).toBe(2);
    expect(bus.deadLetters()).toEqual([]);
  });

  it('sets a message aside as a dead letter when retries run out, and goes on with the next', async () => {
    const { events, observer } = recordingObserver();
    const bus = new MemoryBus({ retryDelaysMs: [0, 0], observer });
    const attempts: string[] = [];
    await bus.subscribe(TOPIC, 'Character Service', (m) => {
      attempts.push(text(m));
      if (text(m) === '{"type":"POISON"}') throw new Error('cannot handle POISON');
    });
    await bus.publish(TOPIC, [message(1, '{"type":"OK"}')]);
    await bus.publish(TOPIC, [
      {
        ...message(7, '{"type":"POISON"}'),
        headers: { ...tenantHeaders(TENANT), traceparent: Buffer.from('00-ab-cd-01') },
      },
      message(7, '{"type":"AFTER"}'),
    ]);
    await bus.idle();

    expect(attempts).toEqual([
      '{"type":"OK"}',
      '{"type":"POISON"}',
      '{"type":"POISON"}',
      '{"type":"POISON"}',
      '{"type":"AFTER"}',
    ]);
    const letters = bus.deadLetters();
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect(letter).toMatchObject({
      topic: TOPIC,
      group: 'Character Service',
      offset: 1,
      key: '0700000000000000',
      headers: {
        TENANT_ID: TENANT.id,
        REGION: 'GMS',
        MAJOR_VERSION: '83',
        MINOR_VERSION: '1',
        traceparent: '00-ab-cd-01',
      },
      value: '{"type":"POISON"}',
      error: 'cannot handle POISON',
      attempts: 3,
    });
    expect(Number.isNaN(Date.parse(letter.at))).toBe(false);
    expect(events.retried).toEqual([1, 2]);
    expect(events.failed).toEqual([letter]);
    expect(events.handled).toBe(2);
  });

  it('keeps at most deadLetterLimit dead letters, dropping the oldest', async () => {
    const bus = new MemoryBus({ retryDelaysMs: [], deadLetterLimit: 2 });
    await bus.subscribe(TOPIC, 'g', () => {
      throw new Error('no');
    });
    await bus.publish(TOPIC, [message(1, 'a'), message(1, 'b'), message(1, 'c')]);
    await bus.idle();
    expect(bus.deadLetters().map((l) => [l.value, l.attempts])).toEqual([
      ['b', 1],
      ['c', 1],
    ]);
  });
});

describe('MemoryBus consumer groups', () => {
  it('a latest group sees only messages published after it joined; an earliest group replays retained ones', async () => {
    const bus = new MemoryBus();
    await bus.publish(TOPIC, [message(1, 'm0'), message(2, 'm1')]);
    const latest: string[] = [];
    const earliest: string[] = [];
    await bus.subscribe(
      TOPIC,
      'late',
      (m) => {
        latest.push(text(m));
      },
      { start: 'latest' },
    );
    await bus.subscribe(
      TOPIC,
      'replay',
      (m) => {
        earliest.push(text(m));
      },
      { start: 'earliest' },
    );
    await bus.publish(TOPIC, [message(1, 'm2')]);
    await bus.idle();
    expect(latest).toEqual(['m2']);
    expect(earliest).toEqual(['m0', 'm1', 'm2']);
  });

  it('starts at earliest by default', async () => {
    const bus = new MemoryBus();
    await bus.publish(TOPIC, [message(1, 'before')]);
    const seen: string[] = [];
    await bus.subscribe(TOPIC, 'g', (m) => {
      seen.push(text(m));
    });
    await bus.idle();
    expect(seen).toEqual(['before']);
  });

  it('replays only the retained messages', async () => {
    const bus = new MemoryBus({ retention: 2 });
    await bus.publish(TOPIC, [message(1, 'm0'), message(1, 'm1'), message(1, 'm2')]);
    const seen: Array<[number, string]> = [];
    await bus.subscribe(TOPIC, 'g', (m) => {
      seen.push([m.offset, text(m)]);
    });
    await bus.idle();
    expect(seen).toEqual([
      [1, 'm1'],
      [2, 'm2'],
    ]);
  });

  it('keeps an integer key and a byte key that spell the same number in separate queues', async () => {
    const bus = new MemoryBus();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    await bus.subscribe(TOPIC, 'g', async (m) => {
      order.push(text(m));
      if (text(m) === 'int-1') await blocked;
    });
    // 8-byte key of 1 (queued as the number 1) and a 1-byte key "1": the second must not wait on the first.
    await bus.publish(TOPIC, [
      message(1, 'int-1'),
      { key: Buffer.from('1'), value: Buffer.from('text-1'), headers: {} },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['int-1', 'text-1']);
    release();
    await bus.idle();
  });

  it('keeps nothing with a retention of 0 (slice(-0) would have kept everything)', async () => {
    const bus = new MemoryBus({ retention: 0 });
    await bus.publish(TOPIC, [message(1, 'm0'), message(1, 'm1'), message(1, 'm2')]);
    const seen: string[] = [];
    await bus.subscribe(TOPIC, 'g', (m) => {
      seen.push(text(m));
    });
    await bus.idle();
    expect(seen).toEqual([]);
  });

  it('a group that left and comes back resumes after what it had, like a committed Kafka offset', async () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    const first = await bus.subscribe(TOPIC, 'g', (m) => {
      seen.push(text(m));
    });
    await bus.publish(TOPIC, [message(1, 'm0')]);
    await bus.idle();
    await first.close();
    await bus.publish(TOPIC, [message(1, 'm1')]);
    await bus.subscribe(TOPIC, 'g', (m) => {
      seen.push(text(m));
    });
    await bus.idle();
    expect(seen).toEqual(['m0', 'm1']);
  });

  it('gives every group every message', async () => {
    const bus = new MemoryBus();
    const character: string[] = [];
    const transports: string[] = [];
    await bus.subscribe(TOPIC, 'Character Service', (m) => {
      character.push(text(m));
    });
    await bus.subscribe(TOPIC, 'Transport Service', (m) => {
      transports.push(text(m));
    });
    await bus.publish(TOPIC, [message(1, 'a'), message(2, 'b'), message(1, 'c')]);
    await bus.idle();
    expect(character.sort()).toEqual(['a', 'b', 'c']);
    expect(transports.sort()).toEqual(['a', 'b', 'c']);
  });

  it('splits a group’s messages between its members, one key always to the same member', async () => {
    const bus = new MemoryBus();
    const byMember: Array<Array<[string, string]>> = [[], []];
    for (const seen of byMember) {
      await bus.subscribe(TOPIC, 'shared', (m) => {
        seen.push([m.key.toString('hex'), text(m)]);
      });
    }
    const messages: BusMessage[] = [];
    for (let i = 0; i < 40; i++) messages.push(message(i % 8, `m${i}`));
    await bus.publish(TOPIC, messages);
    await bus.idle();
    const all = [...byMember[0]!, ...byMember[1]!];
    expect(all).toHaveLength(40);
    expect(new Set(all.map(([, v]) => v)).size).toBe(40);
    const keys0 = new Set(byMember[0]!.map(([k]) => k));
    const keys1 = new Set(byMember[1]!.map(([k]) => k));
    expect([...keys0].filter((k) => keys1.has(k))).toEqual([]);
    expect(keys0.size).toBeGreaterThan(0);
    expect(keys1.size).toBeGreaterThan(0);
  });

  it('stops delivering to a closed subscription', async () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    const subscription = await bus.subscribe(TOPIC, 'g', (m) => {
      seen.push(text(m));
    });
    await bus.publish(TOPIC, [message(1, 'before')]);
    await bus.idle();
    await subscription.close();
    await bus.publish(TOPIC, [message(1, 'after')]);
    await bus.idle();
    expect(seen).toEqual(['before']);
  });

  it('keeps topics apart', async () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    await bus.subscribe('EVENT_TOPIC_CHARACTER_STATUS', 'g', (m) => {
      seen.push(text(m));
    });
    await bus.publish(TOPIC, [message(1, 'command')]);
    await bus.publish('EVENT_TOPIC_CHARACTER_STATUS', [message(1, 'event')]);
    await bus.idle();
    expect(seen).toEqual(['event']);
  });
});

describe('MemoryBus idle and close', () => {
  it('idle resolves at once when nothing is pending', async () => {
    const bus = new MemoryBus();
    await bus.publish(TOPIC, [message(1, 'nobody listens')]);
    expect(bus.pending()).toBe(0);
    await bus.idle();
  });

  it('idle waits for messages a handler publishes', async () => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    await bus.subscribe(TOPIC, 'g', async (m) => {
      seen.push(text(m));
      if (text(m) === 'first') await bus.publish(TOPIC, [message(2, 'caused')]);
    });
    await bus.publish(TOPIC, [message(1, 'first')]);
    await bus.idle();
    expect(seen).toEqual(['first', 'caused']);
  });

  it('close waits for handlers in flight, then refuses to publish', async () => {
    const bus = new MemoryBus();
    const gate = deferred();
    const started = deferred();
    let finished = false;
    await bus.subscribe(TOPIC, 'g', async () => {
      started.resolve();
      await gate.promise;
      finished = true;
    });
    await bus.publish(TOPIC, [message(1, 'slow')]);
    await started.promise;
    expect(bus.ready()).toBe(true);

    const closed = watch(bus.close());
    await flush();
    expect(closed.done).toBe(false);
    expect(bus.ready()).toBe(false);
    await expect(bus.publish(TOPIC, [message(1, 'late')])).rejects.toThrow(/closed/);

    gate.resolve();
    await bus.close();
    expect(finished).toBe(true);
    expect(closed.done).toBe(true);
    expect(bus.pending()).toBe(0);
  });

  it('refuses a subscription once closed', async () => {
    const bus = new MemoryBus();
    await bus.close();
    await expect(bus.subscribe(TOPIC, 'g', () => undefined)).rejects.toThrow(/closed/);
  });

  it('close gives up waiting after its timeout', async () => {
    const bus = new MemoryBus();
    const started = deferred();
    await bus.subscribe(TOPIC, 'g', async () => {
      started.resolve();
      await new Promise(() => undefined);
    });
    await bus.publish(TOPIC, [message(1, 'stuck')]);
    await started.promise;
    await bus.close(10);
    expect(bus.ready()).toBe(false);
  });
});
