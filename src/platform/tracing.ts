import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import type { Bus, DeliveredMessage, MessageHandler } from './bus/bus.js';
import type { TraceTarget } from './config.js';
import type { Logger } from './logging.js';
import type { Headers } from './wire/headers.js';
import { parseTraceparent } from './wire/trace.js';

/** A span begun; `traceparent` is its own W3C context, what work done within it carries on as its cause. */
export interface ActiveSpan {
  readonly traceparent: string;
  end(outcome?: { status?: number; error?: unknown }): void;
}

/**
 * Spans exported over OTLP (TRACE_ENDPOINT). Only made when tracing is configured: without it nothing of the
 * OpenTelemetry SDK is loaded and no hook, wrapper or callback is installed, so tracing costs nothing then.
 *
 * The W3C context is already carried by hand (wire/trace.ts); spans are fitted to it rather than the other way
 * round. A server or consumer span replaces the `traceparent` its work sees with its own, so that a message
 * produced by that work (childTraceHeaders) is the span's child; and a producer span is given the span id the
 * produced message's `traceparent` already holds, so a Go consumer of the message links to it.
 */
export interface Tracing {
  server(
    method: string,
    route: string,
    traceparent: string | undefined,
    tracestate: string | undefined,
  ): ActiveSpan;
  consumer(message: DeliveredMessage, group: string): ActiveSpan;
  /** A message made (MessageFactory.create) because of `cause`, carrying `produced`'s trace context. */
  produced(topic: string, cause: Headers | undefined, produced: Headers): void;
  /** Exports what is buffered and stops. */
  close(): Promise<void>;
}

/** Span ids the next span takes instead of random ones: how a producer span gets its message's id. */
class ChosenIds implements IdGenerator {
  next: { traceId: string; spanId: string } | undefined;

  constructor(private readonly random: IdGenerator) {}

  generateTraceId(): string {
    return this.next?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.next?.spanId ?? this.random.generateSpanId();
  }
}

const SERVICE_NAME = 'atlas-ts';

export async function startTracing(target: TraceTarget, logger: Logger): Promise<Tracing> {
  const api = await import('@opentelemetry/api');
  const sdk = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const exporter =
    target.protocol === 'grpc'
      ? // An http:// URL makes the gRPC exporter connect without TLS, as Atlas's WithInsecure().
        new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter({ url: target.url })
      : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: target.url });
  // Failed exports (a receiver down) are told to OpenTelemetry's diagnostic logger, which is silent unless
  // set: ours, as warnings. It is process-wide; with several apps in one process the last started logs them.
  const warn = (message: string, ...args: unknown[]) =>
    logger.warn(
      { err: args.find((a) => a instanceof Error), detail: args.filter((a) => !(a instanceof Error)) },
      `tracing: ${message}`,
    );
  const quiet = () => undefined;
  api.diag.setLogger({ error: warn, warn, info: quiet, debug: quiet, verbose: quiet }, api.DiagLogLevel.WARN);
  const ids = new ChosenIds(new sdk.RandomIdGenerator());
  const provider = new sdk.BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE_NAME }),
    // As Go's services: a sampled parent is followed, a trace started here is sampled.
    sampler: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    idGenerator: ids,
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  });
  const tracer: Tracer = provider.getTracer(SERVICE_NAME);
  logger.info({ protocol: target.protocol, url: target.url }, 'exporting traces');

  const parentOf = (
    traceparent: Buffer | string | undefined,
    tracestate: Buffer | string | undefined,
  ): Context => {
    const parent = parseTraceparent(traceparent);
    if (!parent) return api.ROOT_CONTEXT;
    const state = tracestate === undefined ? '' : tracestate.toString();
    return api.trace.setSpanContext(api.ROOT_CONTEXT, {
      traceId: parent.traceId,
      spanId: parent.spanId,
      traceFlags: parent.flags,
      isRemote: true,
      ...(state !== '' ? { traceState: api.createTraceState(state) } : {}),
    });
  };
  const active = (span: Span, statusKey?: string): ActiveSpan => {
    const context = span.spanContext();
    const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
    return {
      traceparent: `00-${context.traceId}-${context.spanId}-${flags}`,
      end(outcome = {}) {
        if (outcome.status !== undefined && statusKey) span.setAttribute(statusKey, outcome.status);
        if (outcome.error !== undefined) {
          span.recordException(outcome.error instanceof Error ? outcome.error : String(outcome.error));
          span.setStatus({ code: api.SpanStatusCode.ERROR });
        } else if (outcome.status !== undefined && outcome.status >= 500) {
          span.setStatus({ code: api.SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  };

  return {
    server(method, route, traceparent, tracestate) {
      const span = tracer.startSpan(
        `${method} ${route}`,
        {
          kind: api.SpanKind.SERVER,
          attributes: { 'http.request.method': method, 'http.route': route },
        },
        parentOf(traceparent, tracestate),
      );
      return active(span, 'http.response.status_code');
    },
    consumer(message, group) {
      const span = tracer.startSpan(
        `process ${message.topic}`,
        {
          kind: api.SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.destination.name': message.topic,
            'messaging.consumer.group.name': group,
            'messaging.destination.partition.id': String(message.partition),
            'messaging.kafka.offset': message.offset,
          },
        },
        parentOf(message.headers.traceparent, message.headers.tracestate),
      );
      return active(span);
    },
    produced(topic, cause, produced) {
      const own = parseTraceparent(produced.traceparent);
      if (!own) return;
      const parent = parentOf(cause?.traceparent, cause?.tracestate);
      // The cause's trace only when the message continues it (childTraceHeaders starts a new one otherwise).
      const continues = api.trace.getSpanContext(parent)?.traceId === own.traceId;
      ids.next = own;
      try {
        tracer
          .startSpan(
            `send ${topic}`,
            {
              kind: api.SpanKind.PRODUCER,
              attributes: {
                'messaging.system': 'kafka',
                'messaging.operation.type': 'create',
                'messaging.destination.name': topic,
              },
            },
            continues ? parent : api.ROOT_CONTEXT,
          )
          .end();
      } finally {
        ids.next = undefined;
      }
    },
    async close() {
      await provider.shutdown();
    },
  };
}

/**
 * The bus as consumers see it with tracing on: every handled message gets a consumer span, and the handler
 * sees the span's `traceparent` in place of the producer's, so what it produces is the span's child.
 */
export function tracedBus(bus: Bus, tracing: Tracing): Bus {
  // Delegation, not a prototype: a bus sets its own fields (closed, connected) and must see them itself.
  const traced: Bus = {
    redelivers: bus.redelivers,
    publish: (topic, messages) => bus.publish(topic, messages),
    subscribe: (topic, group, handler, options) =>
      bus.subscribe(topic, group, traceHandler(tracing, group, handler), options),
    idle: () => bus.idle(),
    pending: () => bus.pending(),
    deadLetters: () => bus.deadLetters(),
    retryDeadLetter: (id) => bus.retryDeadLetter(id),
    discardDeadLetter: (id) => bus.discardDeadLetter(id),
    ready: () => bus.ready(),
    consumers: () => bus.consumers(),
    close: (timeoutMs) => bus.close(timeoutMs),
  };
  return traced;
}

function traceHandler(tracing: Tracing, group: string, handler: MessageHandler): MessageHandler {
  return (message) => {
    const span = tracing.consumer(message, group);
    const seen: DeliveredMessage = {
      ...message,
      headers: { ...message.headers, traceparent: Buffer.from(span.traceparent, 'latin1') },
    };
    let result: ReturnType<MessageHandler>;
    try {
      result = handler(seen);
    } catch (error) {
      span.end({ error });
      throw error;
    }
    // A handler that finished synchronously stays so (the bus counts on it for its hot topics).
    if (result && typeof result.then === 'function') {
      return result.then(
        () => span.end(),
        (error: unknown) => {
          span.end({ error });
          throw error;
        },
      );
    }
    span.end();
    return result;
  };
}
