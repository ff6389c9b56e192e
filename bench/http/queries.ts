// The statements the baselines run: the same work the service's endpoints do, written as a bare route would.
export const TENANT_ID = '083839c6-c47c-42a6-9585-76492795d123';

export const QUERIES = {
  byId: {
    name: 'bare-by-id',
    text: 'SELECT * FROM characters WHERE tenant_id = $1 AND id = $2',
  },
  byAccount: {
    name: 'bare-by-account',
    text: 'SELECT * FROM characters WHERE tenant_id = $1 AND account_id = $2 ORDER BY id',
  },
} as const;

export type QueryName = keyof typeof QUERIES;

/** A JSON:API-shaped document of the rows, as a bare route would write it. */
export function document(rows: Array<Record<string, unknown>>, single: boolean): string {
  const resources = rows.map((row) => ({ type: 'characters', id: String(row.id), attributes: row }));
  return JSON.stringify({ data: single ? resources[0] : resources });
}
