import { randomUUID } from 'node:crypto';
import type { Bus, DeliveredMessage, Subscription } from '../bus/bus.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import type { Tenant } from '../tenant.js';
import type { Topics, TopicVariable } from '../topics.js';
import { decodeJson } from '../wire/envelope.js';
import { tenantFromHeaders } from '../wire/headers.js';
import { readIntegerKey } from '../wire/keys.js';

/** The status events `GET /api/events` streams (issue 14 item 1). */
export const STREAMED_TOPICS: readonly TopicVariable[] = [
  'EVENT_TOPIC_TRANSPORT_STATUS',
  'EVENT_TOPIC_INSTANCE_TRANSPORT',
  'EVENT_TOPIC_CHARACTER_STATUS',
];

const HEARTBEAT_MS = 15_000;

/** What one stream writes to; `backlog` is what the client has not read yet (bytes). */
export interface StreamSink {
  write(text: string): void;
  backlog(): number;
  end(): void;
}

/** A client that lets this much pile up unread is dropped (it reconnects, EventSource does, and catches up). */
export const MAX_BACKLOG_BYTES = 1_048_576;

interface OpenStream {
  readonly tenant: Tenant;
  readonly sink: StreamSink;
  nextId: number;
  heartbeat: TimerHandle | undefined;
}

/** A message's key as text: an Atlas integer key as its number, anything else (a UUID) as its characters. */
function keyText(key: Buffer): string {
  const integer = readIntegerKey(key);
  return integer === undefined ? key.toString('utf8') : String(integer);
}

/**
 * Fans the bus's status events out to the open `/api/events` streams of their tenant. It consumes only while a
 * stream is open, in a consumer group of its own (`<service>-events-<uuid>`, new for each opening, starting at
 * the latest offset): on Kafka every process reads every event of the three topics while it serves a stream,
 * which is the cost; with no stream open it reads nothing. A slow client is dropped, never buffered without
 * bound (counted in `events_stream_dropped_total`).
 */
export class EventHub {
  private readonly streams = new Set<OpenStream>();
  private subscriptions: Promise<Subscription[]> | undefined;
  private readonly variables: ReadonlyMap<string, TopicVariable>;
  private readonly dropped;
  private closed = false;

  constructor(
    private readonly bus: Bus,
    private readonly topics: Topics,
    private readonly clock: Clock,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly service = 'atlas-ts',
  ) {
    this.variables = new Map(STREAMED_TOPICS.map((variable) => [topics[variable], variable]));
    this.dropped = metrics.counter(
      'events_stream_dropped_total',
      'Event streams ended because their client did not read fast enough',
      [],
    );
    metrics.gauge('events_streams_open', 'Open GET /api/events streams', () => this.streams.size);
  }

  /** Starts a stream: resolves once the bus delivers to it (what is published after that is written). */
  async open(tenant: Tenant, sink: StreamSink): Promise<() => void> {
    if (this.closed) throw new Error('the event hub is closed');
    const stream: OpenStream = { tenant, sink, nextId: 1, heartbeat: undefined };
    this.streams.add(stream);
    sink.write('retry: 2000\n\n');
    this.beat(stream);
    try {
      await this.listen();
    } catch (error) {
      this.close(stream);
      throw error;
    }
    return () => this.close(stream);
  }

  /** Ends every stream (a graceful stop): the HTTP drain then finds them answered. */
  closeAll(): void {
    this.closed = true;
    for (const stream of [...this.streams]) this.close(stream, true);
  }

  private beat(stream: OpenStream): void {
    stream.heartbeat = this.clock.after(HEARTBEAT_MS, () => {
      if (!this.streams.has(stream)) return;
      this.send(stream, ': heartbeat\n\n');
      this.beat(stream);
    });
  }

  private listen(): Promise<Subscription[]> {
    this.subscriptions ??= (async () => {
      const group = `${this.service}-events-${randomUUID()}`;
      const handler = (message: DeliveredMessage) => this.deliver(message);
      return Promise.all(
        STREAMED_TOPICS.map((variable) =>
          this.bus.subscribe(this.topics[variable], group, handler, { start: 'latest' }),
        ),
      );
    })();
    return this.subscriptions;
  }

  private deliver(message: DeliveredMessage): void {
    if (this.streams.size === 0) return;
    const tenant = tenantFromHeaders(message.headers);
    const variable = this.variables.get(message.topic);
    if (!tenant || !variable) return;
    let data: string | undefined;
    for (const stream of this.streams) {
      const wanted = stream.tenant;
      if (
        wanted.id !== tenant.id ||
        wanted.region !== tenant.region ||
        wanted.majorVersion !== tenant.majorVersion ||
        wanted.minorVersion !== tenant.minorVersion
      )
        continue;
      data ??= JSON.stringify({
        topic: message.topic,
        key: keyText(message.key),
        value: decodeJson(message.value),
      });
      this.send(stream, `event: ${variable}\nid: ${stream.nextId++}\ndata: ${data}\n\n`);
    }
  }

  private send(stream: OpenStream, text: string): void {
    if (stream.sink.backlog() > MAX_BACKLOG_BYTES) {
      this.dropped.inc();
      this.logger.warn({ tenantId: stream.tenant.id }, 'event stream dropped: its client reads too slowly');
      this.close(stream);
      return;
    }
    stream.sink.write(text);
  }

  private close(stream: OpenStream, stopping = false): void {
    if (!this.streams.delete(stream)) return;
    stream.heartbeat?.cancel();
    stream.sink.end();
    if (this.streams.size > 0 || !this.subscriptions) return;
    // The last stream went: stop consuming (a Kafka group of its own would otherwise read on for nobody).
    const closing = this.subscriptions;
    this.subscriptions = undefined;
    void closing
      .then((subscriptions) => Promise.all(subscriptions.map((s) => s.close())))
      .catch((error) => {
        if (!stopping) this.logger.warn({ err: error }, 'event stream consumer could not be closed');
      });
  }
}
