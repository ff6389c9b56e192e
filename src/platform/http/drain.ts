import type { IncomingMessage } from 'node:http';
import net, { type Socket } from 'node:net';
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
 * 3. the listener closes, and so do keep-alive connections waiting for a next request; a connection that
 *    never carried a request stays: it was accepted an instant ago and its request is on its way (closing
 *    it as idle, what http.Server.close does, would reset it); it gets its 503;
 * 4. any request still unanswered when the budget is spent gets a 503, and only then are the remaining
 *    connections closed.
 *
 * A client connecting at the very instant the listener closes can still be reset: no server can answer a
 * connection it never accepted.
 */
const UNAVAILABLE = () => new HttpError(503, 'Service Unavailable', 'the service is shutting down; retry');

/** Step 2: how long the listener stays open at least, answering 503. */
const LISTENER_GRACE_MS = 200;

/** Per connection: whether it ever carried a request, and how many it carries now. */
interface ConnectionUse {
  used: boolean;
  active: number;
}

export class HttpDrain {
  private closing = false;
  private readonly inFlight = new Set<FastifyReply>();
  private emptied: Array<() => void> = [];
  private readonly connections = new Map<Socket, ConnectionUse>();
  private readonly counted = new WeakSet<FastifyRequest>();
  private accepted = 0;

  attach(app: FastifyInstance): void {
    app.server.on('connection', (socket: Socket) => {
      this.accepted++;
      this.connections.set(socket, { used: false, active: 0 });
      socket.once('close', () => this.connections.delete(socket));
    });
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const use = this.connections.get(request.raw.socket);
      if (use) {
        use.used = true;
        use.active++;
        this.counted.add(request);
      }
      if (this.closing) {
        reply.header('retry-after', '1');
        throw UNAVAILABLE();
      }
      this.inFlight.add(reply);
    });
    app.addHook('onResponse', async (request, reply) => {
      this.release(request);
      this.settle(reply);
    });
    app.addHook('onRequestAbort', async (request) => {
      this.release(request);
      for (const reply of this.inFlight) if (reply.request === request) this.settle(reply);
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      if (this.closing) reply.header('connection', 'close');
      return payload;
    });
  }

  private release(request: FastifyRequest): void {
    if (!this.counted.has(request)) return;
    this.counted.delete(request);
    const use = this.connections.get(request.raw.socket);
    if (use) use.active--;
  }

  /**
   * Closes the keep-alive connections that wait for a next request. Unlike http.Server's
   * closeIdleConnections, it spares a connection that never carried one: it was accepted a moment ago and
   * its request may not have been read yet (a busy event loop reads it later); it gets its 503 then.
   */
  private closeIdleKeepAlives(): void {
    for (const [socket, use] of this.connections) if (use.used && use.active === 0) socket.destroy();
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
    // A timer runs before the event loop polls for connections: a starved process can get here with
    // connections waiting to be accepted. Poll until a turn accepts none.
    for (let before = -1; before !== this.accepted && Date.now() < answerBy; ) {
      before = this.accepted;
      await new Promise((resolve) => setImmediate(resolve));
    }
    // net.Server's close stops listening and waits for the connections; http.Server's would also close the
    // idle ones at once (step 3).
    const drained = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    this.closeIdleKeepAlives();
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
