import type { App } from '../src/app.js';

/** The sample tenant's REST headers, as an Atlas Go client sends them. */
export const BENCH_HEADERS = {
  TENANT_ID: '083839c6-c47c-42a6-9585-76492795d123',
  REGION: 'GMS',
  MAJOR_VERSION: '83',
  MINOR_VERSION: '1',
};

/** `count` level-10 characters created over REST (one account each); resolves once the app is idle. */
export async function createCharacters(app: App, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${app.url}/api/characters`, {
      method: 'POST',
      headers: { ...BENCH_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { type: 'characters', attributes: { accountId: i, worldId: 0, name: `Bench${i}`, level: 10 } },
      }),
    });
    ids.push(Number(((await response.json()) as { data: { id: string } }).data.id));
  }
  await app.idle();
  return ids;
}
