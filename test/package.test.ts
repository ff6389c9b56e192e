import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the package entry', () => {
  it('exports the programmatic API from the built package, as an embedding host imports it', () => {
    // A package can import itself by name through its own "exports" (npm test builds first: see pretest).
    const script = `
      const api = await import('atlas-ts');
      const clock = new api.ManualClock(0);
      clock.advance(5);
      console.log(JSON.stringify({
        start: typeof api.start,
        manualClock: clock.now(),
        key: api.integerKey(12345).toString('hex'),
        systemClock: typeof new api.SystemClock().now(),
      }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    }).toString();
    expect(JSON.parse(output)).toEqual({
      start: 'function',
      manualClock: 5,
      key: '3930000000000000',
      systemClock: 'number',
    });
  });
});
