import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { advanceTo, startTestApp, TENANT, type TestApp, tenantHeaders } from '../support/app.js';
import { type ConsolePage, launchBrowser, openConsole, screenshot, seconds } from './chromium.js';

// 00:00:30 UTC: every sample route is somewhere in its first cycle of the day.
const START = Date.UTC(2026, 0, 5, 0, 0, 30);
/** The browser's own clock is a day off the server's: the countdowns must use the server's time. */
const BROWSER_TIME = START + 86_400_000 + 12_345;

interface RouteAttributes {
  name: string;
  state: string;
  nextState: string;
  nextTransitionAt: string;
}

async function routesOf(t: TestApp) {
  const response = await fetch(`${t.url}/api/transports/routes`, { headers: tenantHeaders(TENANT) });
  const body = (await response.json()) as { data: { id: string; attributes: RouteAttributes }[] };
  return body.data;
}

const rowOf = (page: Page, routeId: string) => page.locator(`tr[data-route-id="${routeId}"]`);

describe.skipIf(!inject('browser'))('the departure board in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let view: ConsolePage;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ start: START }), launchBrowser()]);
    view = await openConsole(browser, t, '#board', BROWSER_TIME);
    await view.page.locator('#board-rows tr[data-route-id]').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.app.close();
  });

  it('lists every scheduled route with a countdown measured against the server clock', async () => {
    const { page } = view;
    const routes = await routesOf(t);
    expect(routes.length).toBeGreaterThan(3);
    await expect.poll(() => page.locator('#board-rows tr[data-route-id]').count()).toBe(routes.length);
    for (const route of routes) {
      const row = rowOf(page, route.id);
      expect(await row.locator('th').textContent()).toBe(route.attributes.name);
      expect(await row.locator('.state').textContent()).toBe(route.attributes.state);
      expect(await row.locator('.next-state').textContent()).toBe(route.attributes.nextState);
      const remaining = (Date.parse(route.attributes.nextTransitionAt) - t.clock.now()) / 1000;
      const shown = seconds((await row.locator('time.countdown').textContent()) ?? '');
      expect(Math.abs(shown - remaining)).toBeLessThanOrEqual(1);
    }
    expect(await page.locator('#tenant').inputValue()).toBe(TENANT.id);
    expect(await page.evaluate<string>("localStorage.getItem('atlas-console.tenant')")).toBe(TENANT.id);
    await screenshot(page, 'board');
  });

  it('counts down as time passes, without asking the server', async () => {
    const { page } = view;
    const [route] = await routesOf(t);
    const countdown = rowOf(page, route!.id).locator('time.countdown');
    const before = seconds((await countdown.textContent()) ?? '');
    await page.clock.runFor(5_000);
    const after = seconds((await countdown.textContent()) ?? '');
    expect(before - after).toBeGreaterThanOrEqual(4);
    expect(before - after).toBeLessThanOrEqual(6);
  });

  it('shows the new state once the server has moved past the transition and the countdown ran out', async () => {
    const { page } = view;
    const [route] = await routesOf(t);
    const at = Date.parse(route!.attributes.nextTransitionAt);
    const row = rowOf(page, route!.id);
    expect(await row.locator('.state').textContent()).toBe(route!.attributes.state);
    await advanceTo(t.app, t.clock, at + 1_000);
    // The browser's countdown reaches zero: the row asks for the route once, and shows what the server says.
    const left = seconds((await row.locator('time.countdown').textContent()) ?? '');
    await page.clock.runFor((left + 2) * 1_000);
    await expect.poll(() => row.locator('.state').textContent()).toBe(route!.attributes.nextState);
  });

  it('shows each vessel as one lane carrying both of its routes', async () => {
    const { page } = view;
    const routes = await routesOf(t);
    const vessels = (await (
      await fetch(`${t.url}/api/transports/vessels`, { headers: tenantHeaders(TENANT) })
    ).json()) as { data: { attributes: { name: string; routeAId: string; routeBId: string } }[] };
    expect(vessels.data.length).toBeGreaterThan(0);
    for (const vessel of vessels.data) {
      const { name, routeAId, routeBId } = vessel.attributes;
      const [a, b] = routes.filter((route) => route.id === routeAId || route.id === routeBId);
      expect(b, `vessel ${name} sails two routes`).toBeDefined();
      const lane = page.getByRole('img', { name: new RegExp(`^Vessel ${name}: \\d+ trips of `) });
      expect(await lane.count()).toBe(1);
      const label = (await lane.getAttribute('aria-label')) ?? '';
      expect(label).toContain(a!.attributes.name);
      expect(label).toContain(b!.attributes.name);
      expect(await lane.locator('rect.a').count()).toBeGreaterThan(0);
      expect(await lane.locator('rect.b').count()).toBeGreaterThan(0);
    }
    expect(view.problems).toEqual([]);
  });

  it('names every control, reaches every view by keyboard and shows where the focus is', async () => {
    const { page } = view;
    await page
      .getByRole('button', { name: /^Details of / })
      .first()
      .click();
    await page.locator('#route-panel h3').waitFor();
    // From the top of the page, as a keyboard user arrives: skip link, tenant, token, then the views.
    await page.locator('a.skip').focus();
    for (const name of ['Departure board', 'Instance rides', 'Characters', 'Operations']) {
      const seen: string[] = [];
      for (let presses = 0; presses < 8 && seen.at(-1) !== name; presses++) {
        await page.keyboard.press('Tab');
        seen.push(await page.evaluate<string>("document.activeElement?.textContent ?? ''"));
      }
      expect(seen.at(-1), `Tab went through ${seen.join(' | ')}`).toBe(name);
      const outline = await page.evaluate<string>(
        'getComputedStyle(document.activeElement).outlineStyle + " " + getComputedStyle(document.activeElement).outlineWidth',
      );
      expect(outline).not.toMatch(/^none|\b0px$/);
      await page.keyboard.press('Enter');
      const section = page.locator('main > section:not([hidden])');
      await expect.poll(() => section.locator('h2').count()).toBe(1);
      expect(await page.evaluate<string>('location.hash')).toMatch(/^#\w/);
      await expect.poll(() => unnamedControls(page)).toEqual([]);
      await screenshot(page, `view-${name.toLowerCase().replace(/ /g, '-')}`);
    }
    expect(view.problems).toEqual([]);
  });
});

/**
 * The visible inputs, selects and buttons without an accessible name (label, aria-label or text). A string:
 * it runs in the page, and this project's TypeScript has no DOM types.
 */
function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`
    [...document.querySelectorAll('input, select, textarea, button')]
      .filter((element) => element.closest('[hidden]') === null)
      .filter((element) => {
        const labels = element.labels;
        const name =
          (labels && labels.length > 0 ? [...labels].map((label) => label.textContent).join(' ') : '') ||
          element.getAttribute('aria-label') ||
          (element.tagName === 'BUTTON' ? element.textContent : '');
        return !name?.trim();
      })
      .map((element) => element.outerHTML)
  `);
}
