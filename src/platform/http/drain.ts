import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { settledBy } from '../deadline.js';
import { errorDocument, HttpError } from './errors.js';

/**
 * A graceful stop where every request the server took gets an HTTP answer:
 *
 * 1. from the first moment, new requests are answered 503 (`Connection: close`, `Retry-After: 1`), and every
 *    answer closes its connection, so no client sends another request on it;
 * 2. the listener stays open a moment longer, while requests in flight run: a connection the kernel has
 *    completed but the server not yet accepted would be reset, unanswered, if the listener closed now;
 *    accepted, it gets its 503;
 * 3. the listener closes, but not the open connections: one accepted an instant ago has not sent its request
 *    yet, and closing it as idle (what http.Server.close does at once) would reset it; it gets a moment to
 *    send it;
 * 4. then idle connections close; any request still unanswered when the budget is spent gets a 503, and
 *    only then are the remaining connections closed.
 *
 * A client connecting at the very instant the listener closes can still be reset: no server can answer a
 * connection it never accepted.
 */
const UNAVAILABLE = () => new HttpError(503, 'Service Unavailable', 'the service is shutting down; retry');

/** Step 2: how long the listener stays open at least, answering 503. */
const LISTENER_GRACE_MS = 200;
/** Step 3: how long a connection accepted last has to send its request. */
const FIRST_REQUEST_GRACE_MS = 50;

export class HttpDrain {
  private closing = false;
  private readonly inFlight = new Set<FastifyReply>();
  private emptied: Array<() => void> = [];

  attach(app: FastifyInstance): void {
    app.addHook('onRequest', async (_request: FastifyRequest, reply: FastifyReply) => {
      if (this.closing) {
        reply.header('retry-after', '1');
        throw UNAVAILABLE();
      }
      this.inFlight.add(reply);
    });
    app.addHook('onResponse', async (_request, reply) => this.settle(reply));
    app.addHook('onRequestAbort', async (request) => {
      for (const reply of this.inFlight) if (reply.request === request) this.settle(reply);
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      if (this.closing) reply.header('connection', 'close');
      return payload;
    });
  }

  private settle(reply: FastifyReply): void {
    this.inFlight.delete(reply);
    if (this.inFlight.size > 0) return;
    for (const wake of this.emptied.splice(0)) wake();
  }

  private noneInFlight(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptied.push(resolve));
  }

  async close(app: FastifyInstance, budgetMs: number): Promise<void> {
    const deadline = Date.now() + budgetMs;
    const answerBy = deadline - Math.min(100, budgetMs / 4);
    this.closing = true;
    const server = app.server;
    const listenerGrace = pause(Math.min(LISTENER_GRACE_MS, budgetMs / 4));
    await settledBy(Promise.all([listenerGrace, this.noneInFlight()]), answerBy);
    // net.Server's close stops listening and waits for the connections; http.Server's would also close the
    // idle ones at once (step 3).
    const drained = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    await pause(Math.min(FIRST_REQUEST_GRACE_MS, budgetMs / 8));
    server.closeIdleConnections();
    if (!(await settledBy(drained, answerBy))) {
      for (const reply of this.inFlight) {
        if (reply.sent || reply.raw.headersSent) continue;
        reply.header('connection', 'close').header('retry-after', '1');
        reply.status(503).send(errorDocument(UNAVAILABLE()));
      }
      this.inFlight.clear();
      if (!(await settledBy(drained, deadline))) server.closeAllConnections();
    }
    // Fastify's own close: its onClose hooks; the listener is already closed.
    await app.close();
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads and drops what is left of a request body (up to `limit` bytes), so that an early answer (413) is read
 * by the client: a connection closed while the client is still sending is reset, and a reset can discard the
 * answer before the client reads it. Beyond the limit the client is sending on and on; it gets the close.
 */
export function discardBody(raw: IncomingMessage, limit: number): Promise<void> {
  if (raw.complete || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const finish = () => {
      raw.off('data', count);
      raw.off('end', finish);
      raw.off('close', finish);
      raw.off('error', finish);
      resolve();
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) finish();
    };
    raw.on('data', count);
    raw.once('end', finish);
    raw.once('close', finish);
    raw.once('error', finish);
    raw.resume();
  });
}
