import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, startTestApp, TENANT, type TestApp, tenantHeaders } from '../../test/support/app.js';
import { BEGINNER } from '../character/testing/support.js';
import { loadConfig } from './config.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

// OTLP's SpanKind numbers.
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/** A tiny OTLP/HTTP (JSON) receiver: what a collector would be, keeping every span it is sent. */
function startReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[]; services: string[] }> {
  const spans: OtlpSpan[] = [];
  const services: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (request.method === 'POST' && request.url === '/v1/traces') {
        const document = JSON.parse(body.toString('utf8')) as {
          resourceSpans: {
            resource: { attributes: OtlpSpan['attributes'] };
            scopeSpans: { spans: OtlpSpan[] }[];
          }[];
        };
        for (const resourceSpans of document.resourceSpans) {
          const name = resourceSpans.resource.attributes.find((a) => a.key === 'service.name');
          services.push(name?.value.stringValue ?? '');
          for (const scope of resourceSpans.scopeSpans) spans.push(...scope.spans);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}`, spans, services });
    }),
  );
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};
const spanIdOf = (header: Buffer | undefined) => header?.toString('latin1').split('-')[2];

describe('TRACE_ENDPOINT', () => {
  it("is Atlas's host:port for OTLP/gRPC, or an http(s) URL for OTLP/HTTP; anything else is refused", () => {
    const target = (value: string) => loadConfig({ TRACE_ENDPOINT: value }).traceEndpoint;
    expect(target('tempo.home:4317')).toEqual({ protocol: 'grpc', url: 'http://tempo.home:4317' });
    expect(target('192.168.23.237:4317')).toEqual({ protocol: 'grpc', url: 'http://192.168.23.237:4317' });
    expect(target('http://collector:4318')).toEqual({
      protocol: 'http',
      url: 'http://collector:4318/v1/traces',
    });
    expect(target('https://c.example/otlp/v1/traces')).toEqual({
      protocol: 'http',
      url: 'https://c.example/otlp/v1/traces',
    });
    expect(loadConfig({}).traceEndpoint).toBeUndefined();
    for (const bad of ['tempo.home', 'ftp://x:1', 'http://', ':4317', 'a b:1'])
      expect(() => target(bad), bad).toThrow(/TRACE_ENDPOINT/);
  });
});

describe('spans exported over OTLP', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: TestApp;
  const restParent = { trace: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7' };
  const busParent = { trace: '0af7651916cd43dd8448eb211c80319c', span: 'b7ad6b7169203331' };
  let created: Buffer | undefined;
  let mesoChanged: Buffer | undefined;
  let commandTopic: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestApp({ services: ['character'], env: { TRACE_ENDPOINT: receiver.url } });
    commandTopic = t.app.config.topics.COMMAND_TOPIC_CHARACTER;
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const response = await fetch(`${t.url}/api/characters`, {
      method: 'POST',
      headers: {
        ...tenantHeaders(),
        'content-type': 'application/json',
        traceparent: `00-${restParent.trace}-${restParent.span}-01`,
      },
      body: JSON.stringify({ data: { type: 'characters', attributes: { ...BEGINNER, name: 'Spanned' } } }),
    });
    expect(response.status).toBe(201);
    const id = Number(((await response.json()) as { data: { id: string } }).data.id);
    await t.app.idle();
    created = events.ofType('CREATED')[0]?.headers.traceparent;
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER',
      {
        transactionId: '00000000-0000-0000-0000-000000000000',
        worldId: 0,
        characterId: id,
        type: 'REQUEST_CHANGE_MESO',
        body: { actorId: 0, actorType: 'SYSTEM', amount: 5 },
      },
      {
        key: id,
        tenant: TENANT,
        headers: { traceparent: Buffer.from(`00-${busParent.trace}-${busParent.span}-01`) },
      },
    );
    await t.app.idle();
    mesoChanged = events.ofType('MESO_CHANGED')[0]?.headers.traceparent;
    await events.stop();
    // Closing flushes the exporter: every span has reached the receiver when close() resolves.
    await t.app.close();
  });
  afterAll(async () => {
    await t?.app.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('names the service atlas-ts', () => {
    expect(receiver.services.length).toBeGreaterThan(0);
    expect(new Set(receiver.services)).toEqual(new Set(['atlas-ts']));
  });

  it("makes a server span per request, child of the request's traceparent, named after its route", () => {
    const server = receiver.spans.filter((s) => s.kind === SERVER && s.name === 'POST /api/characters');
    expect(server).toHaveLength(1);
    expect(server[0]).toMatchObject({ traceId: restParent.trace, parentSpanId: restParent.span });
    expect(attribute(server[0]!, 'http.response.status_code')).toBe(201);
  });

  it("makes a producer span whose id is the one the produced message's traceparent carries", () => {
    const server = receiver.spans.find((s) => s.kind === SERVER && s.name === 'POST /api/characters')!;
    const id = spanIdOf(created);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const producer = receiver.spans.find((s) => s.spanId === id);
    expect(producer).toMatchObject({
      kind: PRODUCER,
      traceId: restParent.trace,
      parentSpanId: server.spanId,
    });
    expect(producer?.name).toMatch(/^send /);
  });

  it("makes a consumer span per handled message, child of the message's traceparent, with group, partition and offset", () => {
    const consumers = receiver.spans.filter(
      (s) => s.kind === CONSUMER && attribute(s, 'messaging.destination.name') === commandTopic,
    );
    expect(consumers).toHaveLength(1);
    const consumer = consumers[0]!;
    expect(consumer).toMatchObject({
      name: `process ${commandTopic}`,
      traceId: busParent.trace,
      parentSpanId: busParent.span,
    });
    expect(attribute(consumer, 'messaging.consumer.group.name')).toBe('Character Service');
    expect(attribute(consumer, 'messaging.destination.partition.id')).toBe('0');
    expect(attribute(consumer, 'messaging.kafka.offset')).toEqual(expect.any(Number));
    // The message it produced: a producer span, the consumer span's child, with the message's span id.
    const producer = receiver.spans.find((s) => s.spanId === spanIdOf(mesoChanged));
    expect(producer).toMatchObject({
      kind: PRODUCER,
      traceId: busParent.trace,
      parentSpanId: consumer.spanId,
    });
  });
});

describe('an OTLP/gRPC receiver that is not there', () => {
  it('loses only the spans: requests still answer and close() stays within its time', async () => {
    // Port 9 (discard) on loopback: nothing listens, every export fails.
    const t = await startTestApp({
      database: false,
      services: ['presence'],
      env: { TRACE_ENDPOINT: '127.0.0.1:9' },
      shutdownTimeoutMs: 1_000,
    });
    const response = await fetch(`${t.url}/healthz`, { headers: { traceparent: 'garbage' } });
    expect(response.status).toBe(200);
    const began = Date.now();
    await t.app.close();
    expect(Date.now() - began).toBeLessThan(3_000);
  });
});

describe('without TRACE_ENDPOINT', () => {
  it('loads no OpenTelemetry code: only tracing.ts imports it, and only app.ts loads tracing.ts, on demand', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = new URL('../', import.meta.url);
    const sources = (readdirSync(root, { recursive: true }) as string[]).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
    );
    // The modules a file imports for their values (an `import type` is erased), multi-line imports included.
    const valueImports = (text: string) =>
      [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    let seen = 0;
    for (const file of sources) {
      const text = readFileSync(new URL(file, root), 'utf8');
      const loaded = valueImports(text);
      seen += loaded.length;
      expect(
        loaded.filter((m) => m.startsWith('@opentelemetry/') || m.endsWith('/tracing.js')),
        file,
      ).toEqual([]);
      if (file !== 'platform/tracing.ts') expect(text, file).not.toMatch(/import\(['"]@opentelemetry/);
    }
    // The pattern does find imports (it would pass vacuously otherwise).
    expect(seen).toBeGreaterThan(100);
    expect(readFileSync(new URL('app.ts', root), 'utf8')).toMatch(
      /config\.traceEndpoint\s*\?\s*await import\(/,
    );
  });
});

describe('TRACE_ENDPOINT as Atlas sets it (host:port)', () => {
  it('exports over OTLP/gRPC without TLS', async () => {
    // A gRPC server with the collector's Export method, keeping the raw protobuf requests: the trace id of
    // the request below must be in them (as its 16 bytes), which is all this test needs to know.
    const requests: Buffer[] = [];
    const server = new grpc.Server();
    server.addService(
      {
        Export: {
          path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          requestStream: false,
          responseStream: false,
          requestSerialize: (value: Buffer) => value,
          requestDeserialize: (bytes: Buffer) => bytes,
          responseSerialize: (value: Buffer) => value,
          responseDeserialize: (bytes: Buffer) => bytes,
        },
      },
      {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
          requests.push(call.request);
          callback(null, Buffer.alloc(0));
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    try {
      const t = await startTestApp({
        database: false,
        services: ['presence'],
        env: { TRACE_ENDPOINT: `127.0.0.1:${port}` },
      });
      const trace = '5bf92f3577b34da6a3ce929d0e0e4737';
      const response = await fetch(`${t.url}/healthz`, {
        headers: { traceparent: `00-${trace}-10f067aa0ba902b7-01` },
      });
      expect(response.status).toBe(200);
      await t.app.close();
      const received = Buffer.concat(requests);
      expect(received.includes(Buffer.from(trace, 'hex'))).toBe(true);
      expect(received.includes(Buffer.from('GET /healthz'))).toBe(true);
    } finally {
      server.forceShutdown();
    }
  });
});
