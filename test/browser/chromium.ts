import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';

/** Debian's Chromium (apt-get install chromium); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the run leaves its screenshots (gitignored). */
export const SCREENSHOTS = 'test-results/console';

/** The flags measured to work here (see /work/shared/ecosystem.md): no sandbox as root, nothing phoning home. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ConsolePage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every script error (uncaught or logged), for the test to assert there was none. */
  readonly problems: string[];
}

/**
 * A fresh context on the console of `t`; with `time`, the browser's clock is installed there (timers run only
 * when the test moves it with page.clock), so that countdowns and the 5 s metric samples run when it says.
 */
export async function openConsole(
  browser: Browser,
  t: TestApp,
  hash: string,
  time?: number,
): Promise<ConsolePage> {
  // UTC: the out-of-service form's datetime-local fields are the browser's local time.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A 404 or 400 the page shows in its alert region is the browser's "Failed to load resource": not a bug.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  if (time !== undefined) {
    await page.clock.install({ time });
    // Stopped before the page loads (the install let it flow): timers run only when the test says.
    await page.clock.pauseAt(time + 10_000);
  }
  await page.goto(`${t.url}/console/${hash}`);
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** "mm:ss" or "h:mm:ss" back to seconds. */
export function seconds(text: string): number {
  return text
    .trim()
    .split(':')
    .reduce((total, part) => total * 60 + Number(part), 0);
}
