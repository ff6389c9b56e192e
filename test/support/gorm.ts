import pg from 'pg';
import { OTHER_TENANT, TENANT } from './tenant.js';

/**
 * Atlas databases as atlas-character's GORM AutoMigrate leaves them, written as GORM writes its DDL (quoted
 * names, `PRIMARY KEY` last, `CREATE [UNIQUE] INDEX IF NOT EXISTS`), with the types GORM's postgres dialect
 * derives from the entities' Go types (character.md §1): unsigned ints one bit wider (u8 → smallint, u16 →
 * integer, u32 → bigint), int → bigint, an auto-increment primary key → bigserial, string → text,
 * time.Time → timestamptz, uuid.UUID → text unless tagged `type:uuid`. The reference's `default=N` tags
 * made no defaults; `default:` ones did. Built by plain SQL, as another program would.
 */
const REFERENCE = `
CREATE TABLE "characters" ("tenant_id" text NOT NULL,"id" bigserial,"account_id" bigint NOT NULL,
  "world" smallint NOT NULL,"name" text NOT NULL,"level" smallint NOT NULL,"experience" bigint NOT NULL,
  "gachapon_experience" bigint NOT NULL,"strength" integer NOT NULL,"dexterity" integer NOT NULL,
  "intelligence" integer NOT NULL,"luck" integer NOT NULL,"hp" integer NOT NULL,"mp" integer NOT NULL,
  "max_hp" integer NOT NULL,"max_mp" integer NOT NULL,"meso" bigint NOT NULL,"hpmp_used" bigint NOT NULL,
  "job_id" integer NOT NULL,"skin_color" smallint NOT NULL,"gender" smallint NOT NULL,"fame" smallint NOT NULL,
  "hair" bigint NOT NULL,"face" bigint NOT NULL,"ap" integer NOT NULL,"sp" text NOT NULL,"map_id" bigint NOT NULL,
  "instance" uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',"spawn_point" bigint NOT NULL,
  "gm" bigint NOT NULL,"x" smallint NOT NULL,"y" smallint NOT NULL,"stance" smallint NOT NULL,PRIMARY KEY ("id"));
CREATE TABLE "session_history" ("id" bigserial,"tenant_id" text NOT NULL,"character_id" bigint NOT NULL,
  "world_id" smallint NOT NULL,"channel_id" smallint NOT NULL,"login_time" timestamptz NOT NULL,
  "logout_time" timestamptz DEFAULT null,PRIMARY KEY ("id"));
CREATE INDEX IF NOT EXISTS "idx_session_history_lookup" ON "session_history" ("tenant_id","character_id","login_time");
CREATE TABLE "saved_locations" ("id" uuid NOT NULL,"tenant_id" text NOT NULL,"character_id" bigint NOT NULL,
  "location_type" text NOT NULL,"map_id" bigint NOT NULL,"portal_id" bigint NOT NULL,PRIMARY KEY ("id"));
CREATE UNIQUE INDEX IF NOT EXISTS "idx_saved_location_lookup" ON "saved_locations" ("tenant_id","character_id","location_type");
`;

/**
 * HEAD (head-contract.md §1.3, §4.5): the reference's tables upgraded in place (HEAD's Migration drops
 * map_id and instance after AutoMigrate), plus the tables HEAD added, and atlas-maps' character_locations
 * where a deployment shares one database.
 */
const HEAD = `${REFERENCE}
ALTER TABLE "characters" DROP COLUMN "map_id";
ALTER TABLE "characters" DROP COLUMN "instance";
CREATE TABLE "teleport_rock_maps" ("id" uuid NOT NULL,"tenant_id" text NOT NULL,"character_id" bigint NOT NULL,
  "list_type" text NOT NULL,"slot" bigint NOT NULL,"map_id" bigint NOT NULL,PRIMARY KEY ("id"));
CREATE UNIQUE INDEX IF NOT EXISTS "idx_trock_lookup" ON "teleport_rock_maps" ("tenant_id","character_id","list_type","slot");
CREATE TABLE "character_pending_changes" ("id" uuid NOT NULL,"tenant_id" text NOT NULL,"character_id" bigint NOT NULL,
  "type" text NOT NULL,"status" text NOT NULL,"requested_name" text,"requested_name_lower" text,
  "destination_world_id" smallint,"source_world_id" smallint NOT NULL,"asset_id" bigint,
  "reason" text NOT NULL DEFAULT '',"transaction_id" text NOT NULL,"created_at" timestamptz NOT NULL,
  "expires_at" timestamptz NOT NULL,"resolved_at" timestamptz,"notified_at" timestamptz,PRIMARY KEY ("id"));
CREATE INDEX IF NOT EXISTS "idx_pc_tenant_char" ON "character_pending_changes" ("tenant_id","character_id");
CREATE INDEX IF NOT EXISTS "idx_pc_status" ON "character_pending_changes" ("status");
CREATE UNIQUE INDEX IF NOT EXISTS idx_pc_one_pending_per_type ON character_pending_changes (tenant_id, character_id, type)
  WHERE status = 'PENDING';
CREATE UNIQUE INDEX IF NOT EXISTS idx_pc_name_reservation ON character_pending_changes (tenant_id, requested_name_lower)
  WHERE status = 'PENDING' AND type = 'NAME_CHANGE';
CREATE TABLE "outbox_entries" ("id" bigserial,"topic" text NOT NULL,"message_key" bytea NOT NULL,"message_value" bytea,
  "headers" jsonb NOT NULL DEFAULT '{}',"enqueued_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "sent_at" timestamptz,"attempts" bigint NOT NULL DEFAULT 0,"last_error" text,PRIMARY KEY ("id"));
CREATE INDEX IF NOT EXISTS "outbox_entries_unsent_idx" ON "outbox_entries" ("topic") WHERE sent_at IS NULL;
CREATE INDEX IF NOT EXISTS "outbox_entries_sweeper_idx" ON "outbox_entries" ("sent_at") WHERE sent_at IS NOT NULL;
CREATE TABLE "character_locations" ("tenant_id" text NOT NULL,"character_id" bigint NOT NULL,"world_id" smallint NOT NULL,
  "channel_id" smallint NOT NULL,"map_id" bigint NOT NULL,"instance" uuid NOT NULL,"updated_at" timestamptz NOT NULL,
  PRIMARY KEY ("tenant_id","character_id"));
`;

export type Era = 'reference' | 'head';

export const LEGACY = {
  alpha: 1,
  /** Equal but for case within TENANT. */
  bob: 2,
  bobUpper: 3,
  /** "BOB" in another tenant: no conflict. */
  otherBob: 4,
  /** Two open sessions. */
  carol: 5,
  carolSessions: [2, 3],
  dan: 6,
  danSessions: [5, 6],
  /** One open session (a crash left it), no conflict. */
  bobSession: 4,
  /** Deleted long ago; one saved location was left behind. */
  deleted: 50,
  orphanLocation: 'b0b0b0b0-0000-4000-8000-000000000050',
  /** Where the sequences stand: GORM drew ids up to here. */
  lastCharacterId: 100,
  lastSessionId: 40,
  /** HEAD's atlas-maps location of alpha (character_locations). */
  alphaMap: 104000000,
  alphaInstance: 'aaaaaaaa-0000-4000-8000-000000000001',
} as const;

const LOGIN = Date.UTC(2025, 11, 31, 22);

/** The maps of the LOGIN events HEAD's outbox holds: two unsent, one already sent before the switch. */
export const HEAD_OUTBOX_MAPS = { unsent: [101000000, 102000000], sent: 103000000 } as const;

const b64 = (bytes: Buffer) => bytes.toString('base64');

/** A LOGIN event as HEAD's atlas-outbox stores it: Atlas key and headers, headers base64 in jsonb. */
function outboxEntry(id: number, characterId: number, mapId: number, sent: boolean): string {
  const key = Buffer.alloc(8);
  key.writeUInt32LE(characterId);
  const version = (n: number) => Buffer.from([n >> 8, n & 255]);
  const headers = {
    TENANT_ID: b64(Buffer.from(TENANT.id)),
    REGION: b64(Buffer.from(TENANT.region)),
    MAJOR_VERSION: b64(version(TENANT.majorVersion)),
    MINOR_VERSION: b64(version(TENANT.minorVersion)),
  };
  const value = JSON.stringify({
    transactionId: `00000000-0000-4000-8000-00000000000${id}`,
    worldId: 0,
    characterId,
    type: 'LOGIN',
    body: { channelId: 1, mapId, instance: '00000000-0000-0000-0000-000000000000' },
  });
  return `INSERT INTO outbox_entries (id, topic, message_key, message_value, headers, sent_at) VALUES (${id},
    'EVENT_TOPIC_CHARACTER_STATUS', decode('${key.toString('hex')}', 'hex'),
    decode('${Buffer.from(value).toString('hex')}', 'hex'), '${JSON.stringify(headers)}',
    ${sent ? `to_timestamp(${LOGIN / 1000})` : 'NULL'});`;
}

/** Every column GORM writes, in a character insert as the reference's administrator does. */
function character(id: number, tenant: string, name: string, era: Era): string {
  const location = era === 'reference' ? ', map_id, instance' : '';
  const values = era === 'reference' ? `, 100000000, '00000000-0000-0000-0000-000000000000'` : '';
  return `INSERT INTO characters (tenant_id, id, account_id, world, name, level, experience, gachapon_experience,
    strength, dexterity, intelligence, luck, hp, mp, max_hp, max_mp, meso, hpmp_used, job_id, skin_color, gender,
    fame, hair, face, ap, sp, spawn_point, gm, x, y, stance${location})
    VALUES ('${tenant}', ${id}, 1000, 0, '${name}', 10, 15, 0, 20, 5, 4, 4, 300, 100, 300, 100, 12345, 0, 100, 0, 0,
    3, 30030, 20000, 2, '0,1,0,0,0,0,0,0,0,0', 0, 0, 0, 0, 0${values});`;
}

function seed(era: Era): string {
  const t = TENANT.id;
  const sql = [
    character(LEGACY.alpha, t, 'Alpha', era),
    character(LEGACY.bob, t, 'bob', era),
    character(LEGACY.bobUpper, t, 'Bob', era),
    character(LEGACY.otherBob, OTHER_TENANT.id, 'BOB', era),
    character(LEGACY.carol, t, 'Carol', era),
    character(LEGACY.dan, t, 'Dan', era),
    `SELECT setval('characters_id_seq', ${LEGACY.lastCharacterId});`,
    `INSERT INTO session_history (id, tenant_id, character_id, world_id, channel_id, login_time, logout_time) VALUES
      (1, '${t}', ${LEGACY.alpha}, 0, 1, to_timestamp(${LOGIN / 1000}), to_timestamp(${LOGIN / 1000 + 600})),
      (2, '${t}', ${LEGACY.carol}, 0, 1, to_timestamp(${LOGIN / 1000}), NULL),
      (3, '${t}', ${LEGACY.carol}, 0, 2, to_timestamp(${LOGIN / 1000 + 60}), NULL),
      (4, '${t}', ${LEGACY.bob}, 0, 1, to_timestamp(${LOGIN / 1000 + 120}), NULL),
      (5, '${t}', ${LEGACY.dan}, 0, 1, to_timestamp(${LOGIN / 1000}), NULL),
      (6, '${t}', ${LEGACY.dan}, 0, 1, to_timestamp(${LOGIN / 1000 + 30}), NULL);`,
    `SELECT setval('session_history_id_seq', ${LEGACY.lastSessionId});`,
    `INSERT INTO saved_locations (id, tenant_id, character_id, location_type, map_id, portal_id) VALUES
      ('a0a0a0a0-0000-4000-8000-000000000001', '${t}', ${LEGACY.alpha}, 'FREE_MARKET', 100000000, 3),
      ('${LEGACY.orphanLocation}', '${t}', ${LEGACY.deleted}, 'WORLDTOUR', 800000000, 0);`,
  ];
  if (era === 'head') {
    sql.push(
      `INSERT INTO teleport_rock_maps VALUES ('c0c0c0c0-0000-4000-8000-000000000001', '${t}', 1, 'regular', 0, 100000000);`,
      `INSERT INTO character_locations VALUES ('${t}', ${LEGACY.alpha}, 0, 1, ${LEGACY.alphaMap}, '${LEGACY.alphaInstance}', now());`,
      outboxEntry(1, LEGACY.alpha, HEAD_OUTBOX_MAPS.unsent[0], false),
      outboxEntry(2, LEGACY.carol, HEAD_OUTBOX_MAPS.sent, true),
      outboxEntry(3, LEGACY.dan, HEAD_OUTBOX_MAPS.unsent[1], false),
    );
  }
  return sql.join('\n');
}

/**
 * Builds an Atlas database of the given era on `url`, as atlas-character left it, holding the legacy cases.
 * `tenantId: 'uuid'` makes the three tables' tenant_id `uuid`, as a `type:uuid` tag (or a hand-made schema)
 * would: atlas-ts must work on it without retyping it.
 */
export async function buildAtlasDatabase(
  url: string,
  era: Era,
  tenantId: 'text' | 'uuid' = 'text',
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const ddl = era === 'reference' ? REFERENCE : HEAD;
    await client.query(tenantId === 'uuid' ? ddl.replaceAll('"tenant_id" text', '"tenant_id" uuid') : ddl);
    await client.query(seed(era));
  } finally {
    await client.end();
  }
}

/** Runs one statement on `url` as another program would (its own connection). */
export async function sql<R extends pg.QueryResultRow>(url: string, text: string, values?: unknown[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
