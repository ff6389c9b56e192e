import pg from 'pg';
import { TENANT, type TestApp, tenantHeaders } from '../../../test/support/app.js';
import type { Tenant } from '../../platform/tenant.js';

/** The attributes of a typical level-1 beginner, as the reference's own example request posts them. */
export const BEGINNER = {
  accountId: 1000,
  worldId: 0,
  name: 'Atlas',
  level: 1,
  strength: 12,
  dexterity: 5,
  intelligence: 4,
  luck: 4,
  maxHp: 50,
  maxMp: 5,
  jobId: 0,
  skinColor: 0,
  gender: 0,
  hair: 30030,
  face: 20000,
  mapId: 10000,
  gm: 0,
};

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly body: unknown;
  readonly headers: Headers;
}

/** One REST call with the tenant headers; the body is parsed when there is one. */
export async function call(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
  tenant: Tenant = TENANT,
): Promise<Answer> {
  const response = await fetch(`${t.url}/api${path}`, {
    method,
    headers: { ...tenantHeaders(tenant), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

/** Creates a character over REST and returns its id once its CREATED event has left. */
export async function createCharacter(
  t: TestApp,
  attributes: Partial<typeof BEGINNER> = {},
  tenant: Tenant = TENANT,
): Promise<number> {
  const answer = await call(
    t,
    'POST',
    '/characters',
    { data: { type: 'characters', attributes: { ...BEGINNER, ...attributes } } },
    tenant,
  );
  if (answer.status !== 201) throw new Error(`creation failed: ${answer.status} ${answer.text}`);
  // Let CREATED leave before the caller starts recording.
  await t.app.idle();
  return Number((answer.body as { data: { id: string } }).data.id);
}

/** The attributes of a character as GET /characters/{id} answers them. */
export async function attributesOf(t: TestApp, id: number, tenant: Tenant = TENANT) {
  const answer = await call(t, 'GET', `/characters/${id}`, undefined, tenant);
  if (answer.status !== 200) throw new Error(`GET failed: ${answer.status} ${answer.text}`);
  return (answer.body as { data: { attributes: Record<string, unknown> } }).data.attributes;
}

export const NIL = '00000000-0000-0000-0000-000000000000';

/** Publishes a command on COMMAND_TOPIC_CHARACTER as Atlas services do, keyed by the character. */
export function command(
  t: TestApp,
  type: string,
  characterId: number,
  body: Record<string, unknown>,
  options: { worldId?: number; transactionId?: string | null; tenant?: Tenant; key?: number } = {},
): Promise<void> {
  const envelope: Record<string, unknown> = {};
  if (options.transactionId !== null) envelope.transactionId = options.transactionId ?? NIL;
  Object.assign(envelope, { worldId: options.worldId ?? 0, characterId, type, body });
  return t.app.bus.publish('COMMAND_TOPIC_CHARACTER', envelope, {
    key: options.key ?? characterId,
    tenant: options.tenant ?? TENANT,
  });
}

/** Runs SQL on the application's database, to put it in the state a test needs. */
export async function sql(
  t: TestApp,
  text: string,
  values: unknown[] = [],
): Promise<Array<Record<string, unknown>>> {
  const { database } = t.app.config;
  if (database.kind !== 'external') throw new Error('tests run on an external database URL');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Sets stored columns directly. */
export async function setColumns(t: TestApp, id: number, columns: Record<string, unknown>): Promise<void> {
  const sets = Object.keys(columns)
    .map((name, i) => `${name} = $${i + 2}`)
    .join(', ');
  await sql(t, `UPDATE characters SET ${sets} WHERE id = $1`, [id, ...Object.values(columns)]);
}

/** The malformed-message counter of a topic and reason, from /api/metrics. */
export async function skipped(t: TestApp, topic: string, reason: string): Promise<number> {
  const text = await (await fetch(`${t.url}/api/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('bus_messages_malformed_total{') &&
        l.includes(`topic="${topic}"`) &&
        l.includes(`reason="${reason}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}
