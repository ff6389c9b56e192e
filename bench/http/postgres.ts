// PostgreSQL alone, in its own process: CONCURRENCY callers issue the endpoint's query back to back through a
// pg pool of the application's size, for SECONDS, rotating over the ids given. Prints {"rate": queries/s}.
import pg from 'pg';
import { QUERIES, type QueryName, TENANT_ID } from './queries.js';

const [query, concurrencyText, secondsText, idsText] = process.argv.slice(2);
const statement = QUERIES[query as QueryName];
const ids = idsText!.split(',').map(Number);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 });

async function run(seconds: number): Promise<number> {
  let next = 0;
  let count = 0;
  const begin = performance.now();
  const deadline = begin + seconds * 1000;
  await Promise.all(
    Array.from({ length: Number(concurrencyText) }, async () => {
      while (performance.now() < deadline) {
        const { rows } = await pool.query({ ...statement, values: [TENANT_ID, ids[next++ % ids.length]] });
        // The rows are built (pg parses every field) as for the servers; one row each, or the endpoint fails.
        if (rows.length !== 1) throw new Error(`${query}: ${rows.length} rows`);
        count++;
      }
    }),
  );
  return (count * 1000) / (performance.now() - begin);
}

await run(0.5); // connections opened and statements prepared, as on the warmed servers
const rate = await run(Number(secondsText));
await pool.end();
process.stdout.write(`${JSON.stringify({ rate })}\n`);
