import type { Queryable } from '../../platform/db/database.js';
import type { Character, CharacterChanges, NewCharacter, Position } from '../model.js';
import { NAME_INDEX } from './schema/tables.js';

/** Model field → column (character.md §1.1: note `world`, `hpmp_used`). */
const COLUMN = {
  name: 'name',
  level: 'level',
  experience: 'experience',
  gachaponExperience: 'gachapon_experience',
  strength: 'strength',
  dexterity: 'dexterity',
  intelligence: 'intelligence',
  luck: 'luck',
  hp: 'hp',
  mp: 'mp',
  maxHp: 'max_hp',
  maxMp: 'max_mp',
  meso: 'meso',
  hpMpUsed: 'hpmp_used',
  jobId: 'job_id',
  skinColor: 'skin_color',
  gender: 'gender',
  fame: 'fame',
  hair: 'hair',
  face: 'face',
  ap: 'ap',
  sp: 'sp',
  mapId: 'map_id',
  instance: 'instance',
  spawnPoint: 'spawn_point',
  gm: 'gm',
  x: 'x',
  y: 'y',
  stance: 'stance',
} as const satisfies Record<keyof CharacterChanges, string>;

const FIELDS = `id, account_id AS "accountId", world AS "worldId", ${Object.entries(COLUMN)
  .map(([field, column]) => (field === column ? column : `${column} AS "${field}"`))
  .join(', ')}`;

const SELECT = `SELECT ${FIELDS} FROM characters`;

export function isNameTaken(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === NAME_INDEX;
}

/** Hot path (every GET and most reads): a named statement, prepared once per connection. */
export async function findCharacter(
  q: Queryable,
  tenantId: string,
  id: number,
): Promise<Character | undefined> {
  const { rows } = await q.query<Character>({
    name: 'character-by-id',
    text: `${SELECT} WHERE tenant_id = $1 AND id = $2`,
    values: [tenantId, id],
  });
  return rows[0];
}

/**
 * Several characters of one tenant in one statement (CharacterLoader's batches), in no particular order. `id`
 * is bigint: ANY over a bigint[] parameter keeps the primary-key index scan.
 */
export async function findCharacters(
  q: Queryable,
  tenantId: string,
  ids: readonly number[],
): Promise<Character[]> {
  const { rows } = await q.query<Character>({
    name: 'characters-by-ids',
    text: `${SELECT} WHERE tenant_id = $1 AND id = ANY($2::bigint[])`,
    values: [tenantId, ids],
  });
  return rows;
}

/** The characters of several accounts of one tenant in one statement (AccountCharactersLoader), in id order. */
export async function listAccountsCharacters(
  q: Queryable,
  tenantId: string,
  accountIds: readonly number[],
): Promise<Character[]> {
  const { rows } = await q.query<Character>({
    name: 'characters-by-accounts',
    text: `${SELECT} WHERE tenant_id = $1 AND account_id = ANY($2::bigint[]) ORDER BY id`,
    values: [tenantId, accountIds],
  });
  return rows;
}

/** Reads the row and holds its lock until the transaction ends: read-modify-write without lost updates. */
export async function lockCharacter(
  q: Queryable,
  tenantId: string,
  id: number,
): Promise<Character | undefined> {
  const { rows } = await q.query<Character>({
    name: 'character-lock-by-id',
    text: `${SELECT} WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
    values: [tenantId, id],
  });
  return rows[0];
}

export interface CharacterFilter {
  readonly accountId?: number;
  readonly worldId?: number;
  readonly mapId?: number;
  readonly name?: string;
}

export interface Window {
  readonly offset: number;
  readonly limit: number;
}

function where(tenantId: string, filter: CharacterFilter): { text: string; values: unknown[] } {
  const values: unknown[] = [tenantId];
  const conditions = ['tenant_id = $1'];
  const add = (condition: (n: number) => string, value: unknown) => {
    values.push(value);
    conditions.push(condition(values.length));
  };
  if (filter.accountId !== undefined) add((n) => `account_id = $${n}`, filter.accountId);
  if (filter.worldId !== undefined) add((n) => `world = $${n}`, filter.worldId);
  if (filter.mapId !== undefined) add((n) => `map_id = $${n}`, filter.mapId);
  if (filter.name !== undefined) add((n) => `lower(name) = lower($${n})`, filter.name);
  return { text: conditions.join(' AND '), values };
}

/**
 * Statement names of the list's shapes (which filters, paged or not: 32 at most), so that each is prepared once
 * per connection like the look-up by id. The name is short and made here: PostgreSQL cuts names at 63 bytes.
 */
const listStatements = new Map<string, string>();

function listStatement(text: string): string {
  let name = listStatements.get(text);
  if (name === undefined) {
    name = `characters-list-${listStatements.size + 1}`;
    listStatements.set(text, name);
  }
  return name;
}

/** Characters matching every given filter, in id order (the reference had no order; pages need one). */
export async function listCharacters(
  q: Queryable,
  tenantId: string,
  filter: CharacterFilter,
  window?: Window,
): Promise<Character[]> {
  const { text: conditions, values } = where(tenantId, filter);
  let text = `${SELECT} WHERE ${conditions} ORDER BY id`;
  if (window) {
    values.push(window.limit, window.offset);
    text += ` LIMIT $${values.length - 1} OFFSET $${values.length}`;
  }
  const { rows } = await q.query<Character>({ name: listStatement(text), text, values });
  return rows;
}

export async function countCharacters(
  q: Queryable,
  tenantId: string,
  filter: CharacterFilter,
): Promise<number> {
  const { text, values } = where(tenantId, filter);
  const { rows } = await q.query<{ total: number }>(
    `SELECT count(*)::bigint AS total FROM characters WHERE ${text}`,
    values,
  );
  return rows[0]?.total ?? 0;
}

export async function nameExists(q: Queryable, tenantId: string, name: string): Promise<boolean> {
  const { rows } = await q.query(
    'SELECT 1 FROM characters WHERE tenant_id = $1 AND lower(name) = lower($2) LIMIT 1',
    [tenantId, name],
  );
  return rows.length > 0;
}

/**
 * Claims `name` in the tenant until the transaction ends and tells whether it is free: no other character
 * (not `selfId`) has it, whatever the case. The unique index alone cannot say so on an adopted database:
 * characters that already shared a name stand outside it (schema/tables.ts), and a third "bob" would pass
 * it beside a legacy "Bob" and "BOB". A transaction-scoped advisory lock per tenant and lowered name makes
 * every writer of that name wait for the one before it to commit or roll back, so the check that follows
 * sees every holder there is: race-free without locking the table, and names that differ never wait on
 * each other (a hash collision only makes two names wait). The index stays the last word for every row it
 * covers.
 */
export async function claimName(q: Queryable, tenantId: string, name: string, selfId = 0): Promise<boolean> {
  await q.query({
    name: 'character-name-lock',
    text: "SELECT pg_advisory_xact_lock(hashtext('atlas-ts character name'), hashtext($1 || '/' || lower($2)))",
    values: [tenantId, name],
  });
  const { rows } = await q.query({
    name: 'character-name-holder',
    text: 'SELECT 1 FROM characters WHERE tenant_id = $1 AND lower(name) = lower($2) AND id <> $3 LIMIT 1',
    values: [tenantId, name, selfId],
  });
  return rows.length === 0;
}

/** Inserts every column explicitly; the unique name index refuses a taken name (see isNameTaken). */
export async function insertCharacter(
  q: Queryable,
  tenantId: string,
  c: NewCharacter,
  sp: string,
): Promise<Character> {
  const { rows } = await q.query<Character>(
    `WITH inserted AS (
       INSERT INTO characters (tenant_id, account_id, world, name, level, strength, dexterity, intelligence,
         luck, hp, max_hp, mp, max_mp, job_id, skin_color, gender, hair, face, map_id, gm, sp, meso)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $11, $12, $13, $14, $15, $16, $17, $18, $19,
         $20)
       RETURNING *)
     SELECT ${FIELDS} FROM inserted`,
    [
      tenantId,
      c.accountId,
      c.worldId,
      c.name,
      c.level,
      c.strength,
      c.dexterity,
      c.intelligence,
      c.luck,
      c.maxHp,
      c.maxMp,
      c.jobId,
      c.skinColor,
      c.gender,
      c.hair,
      c.face,
      c.mapId,
      c.gm,
      sp,
      c.meso ?? 0,
    ],
  );
  return rows[0]!;
}

/** One UPDATE of the changed columns, scoped by tenant as every statement is. */
export async function updateCharacter(
  q: Queryable,
  tenantId: string,
  id: number,
  changes: CharacterChanges,
): Promise<void> {
  const values: unknown[] = [tenantId, id];
  const sets: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    values.push(value);
    sets.push(`${COLUMN[field as keyof CharacterChanges]} = $${values.length}`);
  }
  if (sets.length === 0) return;
  await q.query(`UPDATE characters SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2`, values);
}

export async function deleteCharacter(
  q: Queryable,
  tenantId: string,
  id: number,
): Promise<{ worldId: number } | undefined> {
  const { rows } = await q.query<{ worldId: number }>(
    'DELETE FROM characters WHERE tenant_id = $1 AND id = $2 RETURNING world AS "worldId"',
    [tenantId, id],
  );
  return rows[0];
}

export async function deleteAccountCharacters(
  q: Queryable,
  tenantId: string,
  accountId: number,
): Promise<Array<{ id: number; worldId: number }>> {
  const { rows } = await q.query<{ id: number; worldId: number }>(
    'DELETE FROM characters WHERE tenant_id = $1 AND account_id = $2 RETURNING id, world AS "worldId"',
    [tenantId, accountId],
  );
  return rows.sort((a, b) => a.id - b.id);
}

/** Persists live positions (decisions B14) in one statement. */
export async function savePositions(
  q: Queryable,
  tenantId: string,
  positions: ReadonlyArray<readonly [number, Position]>,
): Promise<void> {
  if (positions.length === 0) return;
  await q.query(
    `UPDATE characters AS c SET x = p.x, y = p.y, stance = p.stance
     FROM unnest($2::bigint[], $3::smallint[], $4::smallint[], $5::smallint[]) AS p(id, x, y, stance)
     WHERE c.tenant_id = $1 AND c.id = p.id`,
    [
      tenantId,
      positions.map(([id]) => id),
      positions.map(([, p]) => p.x),
      positions.map(([, p]) => p.y),
      positions.map(([, p]) => p.stance),
    ],
  );
}
