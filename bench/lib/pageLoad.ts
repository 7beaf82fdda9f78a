/*
 * One load of a portal page in headless Chromium, in a persistent profile:
 * when it is drawn and when it is usable, what went over the network, and
 * how much of the time the page's main thread was busy (and with what).
 */
import { chromium, type Page } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** The sidebar's first link: the nav element itself has no box of its own to be visible. */
export const sidebarLink = (page: Page) =>
  page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link')
    .first();

export type Load = {
  /** Navigation to the sidebar and a page title (h1) drawn. */
  shellMs: number;
  /** Navigation to what `ready` waits for: the page showing its data. */
  readyMs: number;
  /** JavaScript bodies as transferred (compressed), until the network is idle. */
  jsBytes: number;
  jsRequests: number;
  /** Requests answered by the server rather than the browser's cache, before ready. */
  networkRequests: number;
  /** Main-thread time until ready (Chromium's Performance metrics), ms. */
  scriptMs: number;
  styleLayoutMs: number;
  busyMs: number;
};

/**
 * Opens `origin` in the profile. With `signIn`, presses the guest sign-in's
 * Enter, waits for the portal and clears the HTTP cache; otherwise measures
 * one load of the page the portal opens on.
 */
export async function loadPortal(
  profile: string,
  origin: string,
  options: { signIn?: boolean; ready: (page: Page) => Promise<unknown> },
): Promise<Load | undefined> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Performance.enable');
    const js = new Map<string, { headers: number; total: number }>();
    let networkRequests = 0;
    let counting = true;
    cdp.on('Network.responseReceived', e => {
      if (counting && !e.response.fromDiskCache) networkRequests++;
      if (new URL(e.response.url).pathname.endsWith('.js'))
        js.set(e.requestId, {
          headers: e.response.encodedDataLength,
          total: 0,
        });
    });
    cdp.on('Network.loadingFinished', e => {
      const entry = js.get(e.requestId);
      if (entry) entry.total = e.encodedDataLength;
    });
    if (options.signIn) {
      // A development server that is rebuilding answers only when done.
      await page.goto(`${origin}/`, { timeout: 300_000 });
      await page.getByRole('button', { name: 'Enter' }).click();
      await sidebarLink(page).waitFor({ timeout: 120_000 });
      await cdp.send('Network.clearBrowserCache');
      return undefined;
    }
    const metrics = async () => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(list.map(m => [m.name, m.value * 1000]));
    };
    const t0 = performance.now();
    await page.goto(`${origin}/`, { waitUntil: 'commit' });
    const before = await metrics();
    await Promise.all([
      sidebarLink(page).waitFor({ timeout: 120_000 }),
      page
        .getByRole('heading', { level: 1 })
        .first()
        .waitFor({ timeout: 120_000 }),
    ]);
    const shellMs = performance.now() - t0;
    await options.ready(page);
    const readyMs = performance.now() - t0;
    counting = false;
    const after = await metrics();
    const spent = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
    // Chunks requested as the page renders belong to the first load too.
    await page
      .waitForLoadState('networkidle', { timeout: 15_000 })
      .catch(() => undefined);
    const bodies = [...js.values()].map(e => Math.max(0, e.total - e.headers));
    return {
      shellMs,
      readyMs,
      jsBytes: bodies.reduce((s, b) => s + b, 0),
      jsRequests: js.size,
      networkRequests,
      scriptMs: spent('ScriptDuration'),
      styleLayoutMs: spent('RecalcStyleDuration') + spent('LayoutDuration'),
      busyMs: spent('TaskDuration'),
    };
  } finally {
    await context.close();
  }
}
