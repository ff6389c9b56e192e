// The baseline server, in its own process: a bare Fastify route per endpoint, the same query through a pg
// pool of the application's size, JSON.stringify, nothing else. Prints {"port": P} once it listens.
import Fastify from 'fastify';
import pg from 'pg';
import { document, QUERIES } from './queries.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 });
const app = Fastify();
app.get<{ Params: { id: string } }>('/api/characters/:id', async (request, reply) => {
  const { rows } = await pool.query({
    ...QUERIES.byId,
    values: [request.headers.tenant_id, Number(request.params.id)],
  });
  reply.header('content-type', 'application/json');
  return document(rows, true);
});
app.get<{ Querystring: { accountId: string } }>('/api/characters', async (request, reply) => {
  const { rows } = await pool.query({
    ...QUERIES.byAccount,
    values: [request.headers.tenant_id, Number(request.query.accountId)],
  });
  reply.header('content-type', 'application/json');
  return document(rows, false);
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(
  `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);
