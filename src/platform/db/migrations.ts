import type { Queryable } from './database.js';

/** One change a migration makes: what it is, in words an operator reads, and the SQL that makes it. */
export interface Step {
  readonly summary: string;
  readonly sql: string;
}

/**
 * A script applied once and recorded in `schema_migrations`: a table only this project creates (outbox,
 * presence, ...). On an adopted Atlas database such tables are missing, so they are simply created.
 */
export interface ScriptMigration {
  /** Unique and ordered: `platform/001-outbox`. Applied once, in order of `id`. */
  readonly id: string;
  readonly sql: string;
}

/**
 * A migration for tables another program may already have made (atlas-character's GORM, either era): it
 * looks at the database as it is and plans only what is missing. It runs at every start-up and is not
 * recorded, because what is missing depends on the database, not on what this project applied before.
 */
export interface AdoptingMigration {
  readonly id: string;
  plan(q: Queryable): Promise<readonly Step[]>;
}

export type Migration = ScriptMigration | AdoptingMigration;

export interface PlannedMigration {
  readonly id: string;
  readonly steps: readonly Step[];
}

const RECORD =
  'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())';

function ordered(migrations: readonly Migration[]): Migration[] {
  return [...migrations].sort((a, b) => a.id.localeCompare(b.id));
}

async function appliedIds(q: Queryable): Promise<Set<string>> {
  const { rows: exists } = await q.query<{ found: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS found",
  );
  if (!exists[0]?.found) return new Set();
  const { rows } = await q.query<{ id: string }>('SELECT id FROM schema_migrations');
  return new Set(rows.map((r) => r.id));
}

async function planOne(q: Queryable, migration: Migration, applied: Set<string>): Promise<readonly Step[]> {
  if ('plan' in migration) return migration.plan(q);
  if (applied.has(migration.id)) return [];
  return [{ summary: `apply ${migration.id}`, sql: migration.sql }];
}

/**
 * What `applyMigrations` would run, without running it. Each migration is planned on the database as it is
 * now: this project's migrations touch disjoint tables, so none plans on what an earlier one would create.
 */
export async function planMigrations(
  q: Queryable,
  migrations: readonly Migration[],
): Promise<PlannedMigration[]> {
  const applied = await appliedIds(q);
  const plans: PlannedMigration[] = [];
  for (const migration of ordered(migrations)) {
    const steps = await planOne(q, migration, applied);
    if (steps.length > 0) plans.push({ id: migration.id, steps });
  }
  return plans;
}

/** Plans and runs each migration in id order; the caller holds the transaction and the lock. */
export async function applyMigrations(
  q: Queryable,
  migrations: readonly Migration[],
): Promise<PlannedMigration[]> {
  await q.query(RECORD);
  const applied = await appliedIds(q);
  const done: PlannedMigration[] = [];
  for (const migration of ordered(migrations)) {
    const steps = await planOne(q, migration, applied);
    for (const step of steps) await q.query(step.sql);
    if (!('plan' in migration) && steps.length > 0) {
      await q.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
    }
    if (steps.length > 0) done.push({ id: migration.id, steps });
  }
  return done;
}
