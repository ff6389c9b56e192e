import { configuredMigrations } from './app.js';
import { describeConflict, findLegacyConflicts } from './character/storage/schema/conflicts.js';
import { type Config, ConfigError } from './platform/config.js';
import { Database } from './platform/db/database.js';
import { unsentHeadRows } from './platform/db/outbox.js';
import { createLogger } from './platform/logging.js';

/** The URL without its password, for printing. */
function shown(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * The dry run of start-up's migrations on the configured database, as text: what would change, the legacy
 * rows that break a rule, HEAD outbox rows still to publish. The plans are made in a read-only transaction,
 * the rest are plain SELECTs: it cannot change anything, whatever it finds.
 */
export async function checkDatabase(config: Config): Promise<string> {
  if (config.database.kind !== 'external') {
    throw new ConfigError(
      'DATABASE_URL',
      'db:check needs an external database: set DATABASE_URL (or DB_HOST)',
    );
  }
  const db = new Database(config.database.url, createLogger('silent'), 2);
  try {
    const plans = await db.plan(configuredMigrations(config));
    const conflicts = config.services.has('character') ? await findLegacyConflicts(db.pool) : [];
    const unsent = await unsentHeadRows(db);
    const lines = [`atlas-ts db:check on ${shown(config.database.url)} (a dry run: nothing is changed)`, ''];
    if (plans.length === 0) lines.push('Start-up would change nothing.');
    else lines.push('Start-up would, in one transaction:');
    for (const plan of plans) {
      lines.push(`  ${plan.id}`);
      for (const step of plan.steps) {
        lines.push(`    - ${step.summary}`, ...step.sql.split('\n').map((line) => `        ${line.trim()}`));
      }
    }
    lines.push('');
    if (conflicts.length === 0) lines.push('No legacy rows break a rule.');
    else
      lines.push('Legacy rows that break a rule (kept and working as they are; new violations are refused):');
    for (const conflict of conflicts) lines.push(`  - ${conflict.rule}: ${describeConflict(conflict)}`);
    if (unsent > 0) {
      lines.push(
        '',
        `outbox_entries (Atlas HEAD) holds ${unsent} unsent rows: start-up publishes them once, then marks them sent.`,
      );
    }
    return `${lines.join('\n')}\n`;
  } finally {
    await db.close();
  }
}
