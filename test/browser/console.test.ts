import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Unsubscribe } from '../../src/app.js';
import { call, createCharacter } from '../../src/character/testing/support.js';
import { advanceTo, startTestApp, TENANT, type TestApp } from '../support/app.js';
import { launchBrowser, openConsole, screenshot } from './chromium.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 1);
const NIL = '00000000-0000-0000-0000-000000000000';

describe.skipIf(!inject('browser'))('the console in Chromium: characters and operations', () => {
  let t: TestApp;
  let browser: Browser;
  let characterId: number;
  let failing: Unsubscribe | undefined;
  let broken = true;

  const session = (type: 'CREATED' | 'DESTROYED') =>
    t.app.bus.publish(
      'EVENT_TOPIC_SESSION_STATUS',
      { sessionId: NIL, accountId: 1, characterId, worldId: 0, channelId: 1, issuer: 'CHANNEL', type },
      { key: characterId, tenant: TENANT },
    );
  const play = async (from: number, ms: number) => {
    await advanceTo(t.app, t.clock, from);
    await session('CREATED');
    await advanceTo(t.app, t.clock, from + ms);
    await session('DESTROYED');
  };

  beforeAll(async () => {
    // The character service alone: no route timers to step through while the sessions span days. Errors
    // are logged (to the console's ring; the run shows the one line).
    [t, browser] = await Promise.all([
      startTestApp({ services: ['character'], start: START, logLevel: 'error' }),
      launchBrowser(),
    ]);
    characterId = await createCharacter(t, { name: 'Chartist' });
    await call(t, 'PUT', `/characters/${characterId}/locations/FREE_MARKET`, {
      data: { type: 'saved-locations', attributes: { mapId: 910000000, portalId: 2 } },
    });
    await play(START + 1 * HOUR, 2 * HOUR);
    await play(START + 2 * DAY + 10 * HOUR, 90 * 60_000);
    await advanceTo(t.app, t.clock, START + 4 * DAY + 8 * HOUR);
    await session('CREATED');
    await advanceTo(t.app, t.clock, START + 4 * DAY + 9 * HOUR);
  });

  afterAll(async () => {
    await failing?.();
    await browser?.close();
    await t?.app.close();
  });

  it('finds a character by name and shows its page with a 30-day playtime chart', async () => {
    const { page, problems, context } = await openConsole(browser, t, '#characters');
    await page.getByLabel('Character name').fill('Chartist');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: /^Chartist/ }).click();
    const chart = page.getByRole('group', { name: 'Playtime per day (UTC), last 30 days' });
    await chart.waitFor();
    const bars = chart.getByRole('img');
    expect(await bars.count()).toBe(30);
    const labels = await bars.evaluateAll((all) => all.map((bar) => bar.getAttribute('aria-label')));
    expect(labels.at(-1)).toBe('2026-03-05: 1 h 00 min');
    expect(labels.at(-3)).toBe('2026-03-03: 1 h 30 min');
    expect(labels.at(-5)).toBe('2026-03-01: 2 h 00 min');
    expect(labels.at(-2)).toBe('2026-03-04: 0 s');
    expect(await page.getByRole('heading', { level: 2 }).textContent()).toBe(`Chartist (id ${characterId})`);
    expect(
      await page.getByRole('table', { name: 'Sessions of the last 30 days' }).locator('tbody tr').count(),
    ).toBe(3);
    expect(await page.getByText('FREE_MARKET: map 910000000, portal 2').count()).toBe(1);
    await screenshot(page, 'character');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows the API's error detail in the alert region", async () => {
    const { page, context } = await openConsole(browser, t, '#character/987654');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/^Error 404: .*987654/);
    await screenshot(page, 'error');
    await context.close();
  });

  it('lists dead letters, retries and discards them, and shows recent errors and metrics', async () => {
    failing = t.app.bus.subscribe('EVENT_TOPIC_SESSION_STATUS', () => {
      if (broken) throw new Error('handler broke');
    });
    await failing.ready;
    await session('DESTROYED');
    await session('CREATED');
    await t.app.idle();
    const letters = t.app.bus.deadLetters().map((letter) => letter.id);
    expect(letters).toHaveLength(2);

    const { page, context } = await openConsole(browser, t, '#operations', Date.now());
    const table = page.getByRole('table', { name: 'Dead letters' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    const errors = page.getByRole('table', { name: 'Recent warnings and errors' });
    expect(await errors.locator('tbody tr').first().textContent()).toContain('handler kept failing');

    broken = false;
    await page.getByRole('button', { name: `Retry letter ${letters[0]}` }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: `Discard letter ${letters[1]}` }).click();
    await expect.poll(() => page.getByText('No dead letter for this tenant.').count()).toBe(1);
    expect(t.app.bus.deadLetters()).toEqual([]);

    // The second sample, 5 s later, gives the rates their first point.
    await page.clock.runFor(5_000);
    await expect.poll(() => page.getByRole('img', { name: /^HTTP requests: \d/ }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Dead letters held: 0' }).count()).toBe(1);
    await screenshot(page, 'operations');
    await context.close();
  });

  it('with ADMIN_TOKEN set, works once the operator types the token', async () => {
    const guarded = await startTestApp({ services: ['character'], env: { ADMIN_TOKEN: 's3cret' } });
    try {
      const { page, context } = await openConsole(browser, guarded, '#operations');
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toMatch(/^Error 401: operator endpoints need Authorization: Bearer <ADMIN_TOKEN>/);
      await page.getByLabel('Admin token').fill('s3cret');
      await page.getByLabel('Admin token').press('Enter');
      await page.getByRole('table', { name: 'Consumer groups' }).waitFor();
      expect(await page.getByRole('alert').isHidden()).toBe(true);
      expect(await page.locator('#tenant').inputValue()).toBe(TENANT.id);
      await context.close();
    } finally {
      await guarded.app.close();
    }
  });
});
