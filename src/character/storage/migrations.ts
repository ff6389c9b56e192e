import type { Migration } from '../../platform/db/database.js';

/**
 * The reference's three tables (character.md §1) with its column names and types, and this time with real
 * defaults (GORM ignored the reference's `default=N` tags). Beyond the reference: the name is unique per
 * tenant whatever its case (decisions B1), and a character has at most one open session (B15).
 */
const TABLES = `
CREATE TABLE characters (
  tenant_id text NOT NULL,
  id bigserial PRIMARY KEY,
  account_id bigint NOT NULL,
  world smallint NOT NULL,
  name text NOT NULL,
  level smallint NOT NULL DEFAULT 1,
  experience bigint NOT NULL DEFAULT 0,
  gachapon_experience bigint NOT NULL DEFAULT 0,
  strength integer NOT NULL DEFAULT 12,
  dexterity integer NOT NULL DEFAULT 5,
  intelligence integer NOT NULL DEFAULT 4,
  luck integer NOT NULL DEFAULT 4,
  hp integer NOT NULL DEFAULT 50,
  mp integer NOT NULL DEFAULT 5,
  max_hp integer NOT NULL DEFAULT 50,
  max_mp integer NOT NULL DEFAULT 5,
  meso bigint NOT NULL DEFAULT 0,
  hpmp_used bigint NOT NULL DEFAULT 0,
  job_id integer NOT NULL DEFAULT 0,
  skin_color smallint NOT NULL DEFAULT 0,
  gender smallint NOT NULL DEFAULT 0,
  fame smallint NOT NULL DEFAULT 0,
  hair bigint NOT NULL DEFAULT 0,
  face bigint NOT NULL DEFAULT 0,
  ap integer NOT NULL DEFAULT 0,
  sp text NOT NULL DEFAULT '0,0,0,0,0,0,0,0,0,0',
  map_id bigint NOT NULL DEFAULT 0,
  instance uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
  spawn_point bigint NOT NULL DEFAULT 0,
  gm bigint NOT NULL DEFAULT 0,
  x smallint NOT NULL DEFAULT 0,
  y smallint NOT NULL DEFAULT 0,
  stance smallint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX idx_characters_name ON characters (tenant_id, lower(name));
CREATE INDEX idx_characters_account ON characters (tenant_id, account_id, world);
CREATE INDEX idx_characters_map ON characters (tenant_id, world, map_id);

CREATE TABLE session_history (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  character_id bigint NOT NULL,
  world_id smallint NOT NULL,
  channel_id smallint NOT NULL,
  login_time timestamptz NOT NULL,
  logout_time timestamptz NULL DEFAULT NULL
);
CREATE INDEX idx_session_history_lookup ON session_history (tenant_id, character_id, login_time);
CREATE UNIQUE INDEX idx_session_history_open ON session_history (tenant_id, character_id)
  WHERE logout_time IS NULL;

CREATE TABLE saved_locations (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  character_id bigint NOT NULL,
  location_type text NOT NULL,
  map_id bigint NOT NULL,
  portal_id bigint NOT NULL
);
CREATE UNIQUE INDEX idx_saved_location_lookup ON saved_locations (tenant_id, character_id, location_type);
`;

export const CHARACTER_MIGRATIONS: readonly Migration[] = [{ id: 'character/001-tables', sql: TABLES }];
