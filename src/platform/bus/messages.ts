import type { Tenant } from '../tenant.js';
import type { Topics, TopicVariable } from '../topics.js';
import { encodeJson } from '../wire/envelope.js';
import { ENVIRONMENT, type Headers, tenantHeaders } from '../wire/headers.js';
import { toKey } from '../wire/keys.js';
import { childTraceHeaders } from '../wire/trace.js';
import type { BusMessage } from './bus.js';

const NO_HEADERS: Headers = Object.freeze({});

/** A message bound for a topic: what operations collect in their buffer and emit only on success. */
export interface OutgoingMessage extends BusMessage {
  readonly topic: string;
}

export interface MessageOptions {
  /** Tenant headers; omitted only for messages Atlas itself sends without them. */
  readonly tenant?: Tenant;
  /** Headers of the message (or request) that caused this one: the new message continues its trace. */
  readonly cause?: Headers;
  /** False for a message an embedding host publishes as its own producer: no trace is made up for it. */
  readonly traced?: boolean;
}

/**
 * Builds messages with the exact Atlas bytes: the topic resolved from its variable, the key in its Atlas form
 * (number → 8-byte integer key, string → UUID text), the JSON body, the tenant and trace headers.
 */
export class MessageFactory {
  // Header bytes per tenant, built once: every message of a tenant carries the same four values. The
  // buffers are shared and never written to after creation.
  private readonly tenantHeaderCache = new Map<string, Headers>();
  // The same tenant object comes back message after message (a producer's, a consumer's): found without
  // building the cache key. Tenants are never changed after they are made.
  private readonly byTenantObject = new WeakMap<Tenant, Headers>();

  /**
   * @param produced told of every traced message made, with its cause (tracing.ts: a producer span with the
   *   message's own span id); absent when tracing is off, so making a message costs nothing more then.
   */
  constructor(
    private readonly topics: Topics,
    private readonly produced?: (topic: string, cause: Headers | undefined, headers: Headers) => void,
  ) {}

  topic(variable: TopicVariable): string {
    return this.topics[variable];
  }

  create(
    variable: TopicVariable,
    key: number | string | Buffer,
    body: unknown,
    options: MessageOptions = {},
  ): OutgoingMessage {
    return this.encoded(variable, toKey(key), encodeJson(body), options);
  }

  /**
   * As `create`, with the key and body already in their wire bytes (toKey, encodeJson): for a message sent
   * again and again with the same bytes (a route's ARRIVED), encoded once. The buffers are shared by every
   * message made with them and never written to.
   */
  encoded(
    variable: TopicVariable,
    key: Buffer,
    value: Buffer,
    options: MessageOptions = {},
  ): OutgoingMessage {
    const tenant = options.tenant ? this.headersOf(options.tenant) : undefined;
    const topic = this.topics[variable];
    const environment = options.cause?.[ENVIRONMENT];
    const hasEnvironment = environment !== undefined && environment.length > 0;
    // An untraced message with only the tenant's headers (a host publishing movement) shares the tenant's
    // frozen headers object: one object fewer per message on the busiest path.
    if (options.traced === false && !hasEnvironment)
      return { topic, key, value, headers: tenant ?? NO_HEADERS };
    // Span headers first, then the tenant's, then HEAD's environment, as Go's producer decorators write them.
    const headers: Headers = options.traced === false ? {} : childTraceHeaders(options.cause);
    // Copied name by name: an object spread here cost more than the rest of the message (a route burst).
    if (tenant) for (const name in tenant) headers[name] = tenant[name]!;
    if (hasEnvironment) headers[ENVIRONMENT] = environment;
    if (this.produced && options.traced !== false) this.produced(topic, options.cause, headers);
    return { topic, key, value, headers };
  }

  private headersOf(tenant: Tenant): Headers {
    const known = this.byTenantObject.get(tenant);
    if (known) return known;
    const cacheKey = `${tenant.id}\u0000${tenant.region}\u0000${tenant.majorVersion}\u0000${tenant.minorVersion}`;
    let headers = this.tenantHeaderCache.get(cacheKey);
    if (!headers) {
      // Frozen: messages share it (above), so a write to one message's headers would change them all.
      headers = Object.freeze(tenantHeaders(tenant));
      if (this.tenantHeaderCache.size >= 10_000) this.tenantHeaderCache.clear();
      this.tenantHeaderCache.set(cacheKey, headers);
    }
    this.byTenantObject.set(tenant, headers);
    return headers;
  }
}

/** Publishes a buffer, grouping consecutive messages of one topic so each topic keeps the buffer's order. */
export async function publishAll(
  bus: { publish(topic: string, messages: readonly BusMessage[]): Promise<void> },
  messages: readonly OutgoingMessage[],
): Promise<void> {
  let start = 0;
  while (start < messages.length) {
    const topic = messages[start]!.topic;
    let end = start + 1;
    while (end < messages.length && messages[end]!.topic === topic) end++;
    await bus.publish(topic, messages.slice(start, end));
    start = end;
  }
}
