import { sql } from './gorm.js';

/**
 * Everything start-up could change, as data: tables and columns (types, nullability, defaults), indexes
 * and constraints with their definitions, relation identities, sequence positions, and every row of every
 * table (recorded migrations included) with its row version. Two dumps are equal when nothing changed.
 */
export async function dumpDatabase(url: string): Promise<Record<string, unknown>> {
  const columns = await sql(
    url,
    `SELECT table_name, column_name, data_type, is_nullable, column_default, ordinal_position
     FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const indexes = await sql(
    url,
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
  );
  const constraints = await sql(
    url,
    `SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS def
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const sequences = await sql(
    url,
    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
  );
  // A relation dropped and made again, or rewritten, gets a new oid or file: equal definitions would hide it.
  const relations = await sql(
    url,
    "SELECT relname, oid::int8 AS oid, relfilenode::int8 AS file FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1",
  );
  const tables = await sql<{ name: string }>(
    url,
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  const rows: Record<string, unknown> = {};
  // xmin: a row updated, even to the values it had, is a new row version.
  for (const { name } of tables) {
    rows[name] = await sql(url, `SELECT xmin::text AS xmin, * FROM ${name} AS t ORDER BY t::text`);
  }
  return { columns, indexes, constraints, sequences, relations, rows };
}
