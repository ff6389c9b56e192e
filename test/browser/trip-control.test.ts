import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { advanceTo, startTestApp, TENANT, type TestApp, tenantHeaders } from '../support/app.js';
import { type ConsolePage, launchBrowser, openConsole, screenshot } from './chromium.js';

// Trip control and the event stream (GET /api/events) from the console.
const START = Date.UTC(2026, 0, 5, 0, 0, 30);
const BOAT = 'boat-ellinia-orbis';

interface RouteAttributes {
  name: string;
  state: string;
  nextState: string;
  nextTransitionAt: string;
}

async function routes(t: TestApp) {
  const response = await fetch(`${t.url}/api/transports/routes?include=schedule`, {
    headers: tenantHeaders(TENANT),
  });
  return (await response.json()) as {
    data: {
      id: string;
      attributes: RouteAttributes;
      relationships: { schedule: { data: { id: string }[] } };
    }[];
    included: { id: string; attributes: { departure: string } }[];
  };
}

/** The route's next departure after the server's now. */
async function nextDeparture(t: TestApp, name: string) {
  const document = await routes(t);
  const route = document.data.find((r) => r.attributes.name === name)!;
  const trips = new Set(route.relationships.schedule.data.map((trip) => trip.id));
  const departures = document.included
    .filter((trip) => trips.has(trip.id))
    .map((trip) => Date.parse(trip.attributes.departure))
    .filter((at) => at > t.clock.now());
  return { id: route.id, at: Math.min(...departures) };
}

const stateOf = (page: Page, routeId: string) =>
  page.locator(`tr[data-route-id="${routeId}"] .state`).textContent();

describe.skipIf(!inject('browser'))('trip control and live events in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let view: ConsolePage;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ start: START }), launchBrowser()]);
    view = await openConsole(browser, t, '#board', START);
    await view.page.locator('#board-rows tr[data-route-id]').first().waitFor();
    await view.page.getByText('events: live').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.app.close();
  });

  it('shows the new state as soon as the server departs, from the event stream, without a reload', async () => {
    const { page } = view;
    // The browser's clock stands still: no countdown reaches zero, only the event can change the row.
    const route = (await routes(t)).data.find((r) => r.attributes.nextState === 'in_transit')!;
    expect(await stateOf(page, route.id)).toBe(route.attributes.state);
    // A mark in this document: a reload would lose it. And a keyboard user's focus on the row.
    await page.evaluate('window.sameDocument = true');
    await page.getByRole('button', { name: `Details of ${route.attributes.name}` }).focus();
    await advanceTo(t.app, t.clock, Date.parse(route.attributes.nextTransitionAt) + 1);
    await expect.poll(() => stateOf(page, route.id)).toBe('in_transit');
    expect(await page.evaluate<boolean>('window.sameDocument === true')).toBe(true);
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe(
      `Details of ${route.attributes.name}`,
    );
  });

  it('holds a route with its button: the route stays at the dock past its departure', async () => {
    const { page } = view;
    const departure = await nextDeparture(t, BOAT);
    await page.getByRole('button', { name: `Details of ${BOAT}` }).click();
    await page.getByLabel('Hold reason').fill('kraken sighted');
    await page.getByRole('button', { name: 'Hold', exact: true }).click();
    await expect.poll(() => stateOf(page, departure.id)).toMatch(/\(held\)$/);
    await expect
      .poll(() => page.locator('#route-panel .control-summary').textContent())
      .toMatch(/kraken sighted/);

    await advanceTo(t.app, t.clock, departure.at + 60_000);
    // Back to the board: it loads every route again, as the server sees it now.
    await page.getByRole('link', { name: 'Instance rides' }).click();
    await page.getByRole('link', { name: 'Departure board' }).click();
    await expect.poll(() => stateOf(page, departure.id)).toBe('locked_entry (held)');
    await screenshot(page, 'held');

    await page.getByRole('button', { name: `Details of ${BOAT}` }).click();
    await page.getByRole('button', { name: 'Release' }).click();
    await expect.poll(() => stateOf(page, departure.id)).toBe('in_transit');
    expect(view.problems).toEqual([]);
  });

  it("shows the API's refusal of an out-of-service period that ends before it starts", async () => {
    const { page } = view;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    await page.getByLabel('From').fill(iso(t.clock.now() + 2 * 3_600_000));
    await page.getByLabel('Until').fill(iso(t.clock.now() + 3_600_000));
    await page.getByLabel('Reason', { exact: true }).fill('dry dock');
    await page.getByRole('button', { name: 'Set out-of-service period' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/^Error 400: data\.attributes\.until must be later than from/);
    await screenshot(page, 'outage-error');
  });

  it('forces a boarding route to depart now, and shows the refusal for a route that is not boarding', async () => {
    const { page } = view;
    const all = (await routes(t)).data;
    const boarding = all.find((r) => r.attributes.state === 'open_entry')!;
    const idle = all.find((r) => r.attributes.state === 'awaiting_return')!;
    await page.getByRole('button', { name: `Details of ${idle.attributes.name}` }).click();
    await page.getByRole('button', { name: 'Force departure' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Error 409: /);
    await page.getByRole('button', { name: 'Dismiss' }).click();

    await page.getByRole('button', { name: `Details of ${boarding.attributes.name}` }).click();
    await page.getByRole('button', { name: 'Force departure' }).click();
    await expect.poll(() => stateOf(page, boarding.id)).toBe('in_transit');
    await expect
      .poll(() => page.locator('#route-panel .control-summary').textContent())
      .toMatch(/Departure forced at /);
    expect(await page.getByRole('alert').isHidden()).toBe(true);
  });
});
