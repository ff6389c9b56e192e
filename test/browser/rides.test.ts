import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  at,
  type Harness,
  advanceTo as harnessAdvance,
  instanceRoute,
  startHarness,
  TENANT,
  tenantHeaders,
} from '../../src/transports/testing/harness.js';
import { type ConsolePage, launchBrowser, openConsole, screenshot } from './chromium.js';

// Who is aboard, rides under way and the last rides, with atlas-maps faked so that the test places people.
const NIL = '00000000-0000-0000-0000-000000000000';
const STAGING = 101000301; // the Ellinia→Orbis boat's dock
const TRAIN = instanceRoute('kerning-train-to-square'); // boarding 1 s, travel 10 s

describe.skipIf(!inject('browser'))('passengers and rides in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let view: ConsolePage;

  beforeAll(async () => {
    [h, browser] = await Promise.all([startHarness({ start: at('00:01:00') }), launchBrowser()]);
    for (const characterId of [7, 9]) {
      h.atlas.place(TENANT.id, characterId, { worldId: 0, channelId: 1, mapId: STAGING, instance: NIL });
    }
    view = await openConsole(browser, h, '#board');
    await view.page.locator('#board-rows tr[data-route-id]').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it("lists who is on a route's dock in its panel", async () => {
    const { page } = view;
    await page.getByRole('button', { name: 'Details of boat-ellinia-orbis' }).click();
    const aboard = page.locator('#route-panel ul.passengers li');
    await expect
      .poll(() => aboard.allTextContents())
      .toEqual([`Character 7 on the dock (map ${STAGING})`, `Character 9 on the dock (map ${STAGING})`]);
  });

  it('shows a ride under way, then, from the event stream, its end among the last rides', async () => {
    const { page } = view;
    await page.getByRole('link', { name: 'Instance rides' }).click();
    await page.getByText('events: live').waitFor();
    const started = await fetch(`${h.url}/api/transports/instance-routes/${TRAIN}/start`, {
      method: 'POST',
      headers: { ...tenantHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { type: 'start-transport', attributes: { characterId: 21, worldId: 0, channelId: 1 } },
      }),
    });
    expect(started.status).toBe(204);
    await h.app.idle();
    // The start's event reloads the view.
    const underWay = page.getByRole('table', { name: 'Rides under way' });
    await expect
      .poll(() => underWay.locator('tbody tr').allTextContents())
      .toEqual([expect.stringMatching(/^kerning-train-to-squareboarding1 of 1: 21\d+ s$/)]);
    const last = page.getByRole('table', { name: 'Last rides' });
    await expect.poll(() => last.locator('tbody tr').first().textContent()).toMatch(/instance21.*aboard$/);
    await screenshot(page, 'rides');

    await harnessAdvance(h.app, h.clock, h.clock.now() + 30_000);
    await expect.poll(() => last.locator('tbody tr').first().textContent()).toMatch(/instance21.*delivered$/);
    await expect.poll(() => page.getByText(/^No ride under way/).count()).toBe(1);
    expect(view.problems).toEqual([]);
  });
});
