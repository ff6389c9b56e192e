import type { Queryable } from './database.js';
import type { Step } from './migrations.js';

/** A column as this project wants it. `default` is SQL; without it the column has no default. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: string;
  readonly notNull?: boolean;
  readonly default?: string;
  readonly primaryKey?: boolean;
}

/** An index by name; `sql` creates it (`CREATE [UNIQUE] INDEX name ON table ...`). */
export interface IndexSpec {
  readonly name: string;
  readonly sql: string;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly indexes: readonly IndexSpec[];
}

function columnSql(column: ColumnSpec): string {
  return [
    column.name,
    column.type,
    column.primaryKey ? 'PRIMARY KEY' : '',
    column.notNull ? 'NOT NULL' : '',
    column.default !== undefined ? `DEFAULT ${column.default}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function createTableSql(spec: TableSpec): string {
  return `CREATE TABLE ${spec.name} (\n  ${spec.columns.map(columnSql).join(',\n  ')}\n)`;
}

interface ExistingColumn {
  name: string;
  hasDefault: boolean;
}

/** The table's columns in the current schema, or undefined when there is no such table. */
export async function existingColumns(
  q: Queryable,
  table: string,
): Promise<Map<string, ExistingColumn> | undefined> {
  const { rows: found } = await q.query<{ oid: number }>(
    `SELECT c.oid FROM pg_class c
     WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')`,
    [table],
  );
  if (found.length === 0) return undefined;
  const { rows } = await q.query<ExistingColumn>(
    `SELECT attname AS name, atthasdef AS "hasDefault" FROM pg_attribute
     WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped`,
    [found[0]!.oid],
  );
  return new Map(rows.map((r) => [r.name, r]));
}

/** The names of the indexes in the current schema. */
export async function existingIndexes(q: Queryable): Promise<Set<string>> {
  const { rows } = await q.query<{ name: string }>(
    'SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()',
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * What a table lacks against its spec, as steps that add it: the table itself, missing columns (a NOT NULL
 * column is added with its default, which fills the rows already there), missing defaults, missing indexes
 * (by name). Nothing is ever dropped, retyped or rewritten: a column of another type (a `uuid` tenant_id
 * where GORM made `text`) is left as it is, since every statement of this project reads both alike.
 */
export async function adoptTable(q: Queryable, spec: TableSpec): Promise<Step[]> {
  const columns = await existingColumns(q, spec.name);
  const indexes = await existingIndexes(q);
  const steps: Step[] = [];
  if (!columns) {
    steps.push({ summary: `create table ${spec.name}`, sql: createTableSql(spec) });
  } else {
    for (const column of spec.columns) {
      const existing = columns.get(column.name);
      if (!existing) {
        steps.push({
          summary: `add column ${spec.name}.${column.name}`,
          sql: `ALTER TABLE ${spec.name} ADD COLUMN ${columnSql(column)}`,
        });
      } else if (column.default !== undefined && !existing.hasDefault) {
        steps.push({
          summary: `set default of ${spec.name}.${column.name} to ${column.default}`,
          sql: `ALTER TABLE ${spec.name} ALTER COLUMN ${column.name} SET DEFAULT ${column.default}`,
        });
      }
    }
  }
  for (const index of spec.indexes) {
    if (!indexes.has(index.name)) steps.push({ summary: `create index ${index.name}`, sql: index.sql });
  }
  return steps;
}
