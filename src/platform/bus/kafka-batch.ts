import type { Batch, IHeaders, KafkaMessage } from 'kafkajs';
import type { Headers } from '../wire/headers.js';
import type { DeliveredMessage, MessageHandler } from './bus.js';
import { type DeliveryPolicy, deliver, type InFlight } from './delivery.js';

function toHeaders(headers: IHeaders | undefined): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    out[name] = Buffer.isBuffer(first) ? first : Buffer.from(first, 'utf8');
  }
  return out;
}

export interface BatchControl {
  /** False once the consumer stops, the group rebalances, or the topic's subscription closed. */
  readonly active: () => boolean;
  readonly heartbeat: () => Promise<void>;
}

/**
 * Handles one fetched batch of one partition. Order is only promised per key, so the batch is split into one
 * chain per key: a key's messages run one after another, different keys at the same time (a partition holds
 * thousands of characters; handling them one by one would make a partition as slow as one database round trip
 * per message). Returns the offset up to which every message was handled (the next offset to read), or
 * undefined when not even the first was: the caller resolves that much and no more, so a stop in the middle
 * never skips an unhandled message.
 */
export async function handleBatch(
  batch: Batch,
  group: string,
  handler: MessageHandler,
  policy: DeliveryPolicy,
  inFlight: InFlight,
  control: BatchControl,
): Promise<string | undefined> {
  const chains = new Map<string, KafkaMessage[]>();
  for (const message of batch.messages) {
    const key = message.key ? message.key.toString('latin1') : '';
    const chain = chains.get(key);
    if (chain) chain.push(message);
    else chains.set(key, [message]);
  }
  const done = new Set<KafkaMessage>();
  let sinceHeartbeat = 0;
  const runChain = async (chain: KafkaMessage[]) => {
    for (const message of chain) {
      if (!control.active()) return;
      const delivered: DeliveredMessage = {
        topic: batch.topic,
        partition: batch.partition,
        offset: Number(message.offset),
        key: message.key ?? Buffer.alloc(0),
        value: message.value ?? Buffer.alloc(0),
        headers: toHeaders(message.headers),
      };
      inFlight.add(1);
      try {
        const pending = deliver(policy, group, handler, delivered);
        if (pending) await pending;
      } finally {
        inFlight.add(-1);
      }
      done.add(message);
      // A long batch must not look like a dead member to the coordinator.
      if (++sinceHeartbeat >= 200) {
        sinceHeartbeat = 0;
        await control.heartbeat();
      }
    }
  };
  await Promise.all([...chains.values()].map(runChain));
  let handledUpTo: string | undefined;
  for (const message of batch.messages) {
    if (!done.has(message)) break;
    handledUpTo = message.offset;
  }
  return handledUpTo;
}
