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
  /** kafkajs's heartbeat: throttled to its heartbeat interval; fails once the member must rejoin. */
  readonly heartbeat: () => Promise<void>;
  /** Marks every message up to `offset` handled (kafkajs's resolveOffset). */
  readonly resolve: (offset: string) => void;
  /** Commits the resolved offsets once the auto-commit interval has passed (commitOffsetsIfNecessary). */
  readonly commit: () => Promise<void>;
}

/**
 * How often a batch being handled tells the coordinator the member is alive: the group's heartbeat
 * interval (GROUP_TIMING), well inside its 6 s session.
 */
export const BATCH_HEARTBEAT_MS = 1_000;

/**
 * Handles one fetched batch of one partition. Order is only promised per key, so the batch is split into one
 * chain per key: a key's messages run one after another, different keys at the same time (a partition holds
 * thousands of characters; handling them one by one would make a partition as slow as one database round trip
 * per message). Returns the offset up to which every message was handled, or undefined when not even the
 * first was: the caller resolves that much and no more, so a stop in the middle never skips an unhandled
 * message.
 *
 * A batch can hold thousands of messages of one key (one character's commands) and take many seconds, so two
 * things do not wait for its end:
 * - the heartbeat goes on a timer, whatever the handlers are doing: a batch slower than the session (a loaded
 *   database) would otherwise get the member evicted, its uncommitted work redelivered as duplicates, and the
 *   next, equally long batch evicted again: a livelock seen after a kill -9 with 2,000 commands queued;
 * - the handled prefix is resolved as it grows and committed about once a second, so an eviction or a crash
 *   redelivers about a second of messages, not the whole batch.
 * A failed heartbeat or commit (the member must rejoin) stops the batch at the next message.
 */
export async function handleBatch(
  batch: Batch,
  group: string,
  handler: MessageHandler,
  policy: DeliveryPolicy,
  inFlight: InFlight,
  control: BatchControl,
): Promise<string | undefined> {
  const { messages } = batch;
  const chains = new Map<string, KafkaMessage[]>();
  for (const message of messages) {
    const key = message.key ? message.key.toString('latin1') : '';
    const chain = chains.get(key);
    if (chain) chain.push(message);
    else chains.set(key, [message]);
  }
  const done = new Set<KafkaMessage>();
  // messages[0, handled) are all handled: the prefix that may be resolved.
  let handled = 0;
  let rejoining = false;
  let lastCommit = Date.now();
  const stop = () => {
    rejoining = true;
  };
  const beat = setInterval(() => void control.heartbeat().catch(stop), BATCH_HEARTBEAT_MS);
  // Not async: most messages only move the prefix, and the movement topic is handled synchronously.
  const progress = (): Promise<void> | undefined => {
    const before = handled;
    while (handled < messages.length && done.has(messages[handled]!)) handled++;
    if (handled === before) return undefined;
    control.resolve(messages[handled - 1]!.offset);
    if (Date.now() - lastCommit < BATCH_HEARTBEAT_MS) return undefined;
    lastCommit = Date.now();
    return control.commit().catch(stop);
  };
  const runChain = async (chain: KafkaMessage[]) => {
    for (const message of chain) {
      if (rejoining || !control.active()) return;
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
      const committing = progress();
      if (committing) await committing;
    }
  };
  try {
    await Promise.all([...chains.values()].map(runChain));
  } finally {
    clearInterval(beat);
  }
  return handled > 0 ? messages[handled - 1]!.offset : undefined;
}
