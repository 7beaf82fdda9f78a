import path from 'path';
import { expect, test } from '@playwright/test';
import {
  expectNoSeriousAxeViolations,
  expectReadableButtons,
  VIEWPORTS,
} from './pageChecks';
import { signIn } from './signIn';

const SHOTS = path.resolve(__dirname, '../test-results/e2e');

// The suite's own pages, each with something that shows it has rendered.
const PAGES = [
  { name: 'home', path: '/', ready: 'Order a desktop' },
  { name: 'my-workspaces', path: '/workspaces', ready: 'Order a desktop' },
  {
    name: 'order-form',
    path: '/create/templates/default/linux-desktop',
    ready: 'Next',
  },
  { name: 'cluster-health', path: '/cluster-health', ready: 'Refresh' },
];

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  test.describe(`at ${size}`, () => {
    // The portal's CSP rightly refuses inline scripts; axe-core is injected
    // as one, so this test alone lets the browser bypass it.
    test.use({ viewport, bypassCSP: true });

    for (const page of PAGES) {
      test(`${page.name} is readable and accessible`, async ({ page: tab }) => {
        await signIn(tab);
        await tab.goto(page.path);
        await tab
          .getByRole('button', { name: page.ready })
          .or(tab.getByRole('link', { name: page.ready }))
          .first()
          .waitFor();
        // Late content (tables, charts) settles before it is judged.
        await tab.waitForLoadState('networkidle');
        await expectReadableButtons(tab, `${page.path} at ${size}`);
        await expectNoSeriousAxeViolations(tab, `${page.path} at ${size}`);
        // Sidebar labels are whole words, never cut with an ellipsis.
        const cut = await tab.evaluate(() =>
          [...document.querySelectorAll('nav a, nav button')]
            .filter(el => {
              const e = el as HTMLElement;
              return e.offsetWidth > 0 && e.scrollWidth > e.clientWidth + 1;
            })
            .map(el => (el.textContent ?? '').trim()),
        );
        expect(cut, 'sidebar labels cut off').toEqual([]);
        await tab.screenshot({
          path: `${SHOTS}/${page.name}-${size}.png`,
        });
      });
    }
  });
}

test('the order page offers what this portal runs, without template tools', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/create');
  await expect(page.getByText('Linux desktop').first()).toBeVisible();
  // Local desktops are Linux; Windows needs a KubeVirt cluster.
  await expect(page.getByText('Windows desktop')).toHaveCount(0);
  // The guest is no admin: template writing tools stay out of sight.
  await expect(page.getByRole('tab', { name: 'Templates' })).toBeVisible();
  for (const tool of ['Template Editor', 'Actions', 'Templating Extensions']) {
    await expect(page.getByRole('tab', { name: tool })).toHaveCount(0);
  }
});

// Live updates reach the page through the signals backend's websocket. The
// first attempt after the backend starts is refused by Backstage's own
// design (the signals backend subscribes to upgrades when one first reaches
// its router); its client tries again every 5 s, and that one must hold.
test('live updates connect and subscribe', async ({ page }) => {
  test.setTimeout(90_000);
  const subscribed = new Promise<string>(resolve => {
    page.on('websocket', ws => {
      if (!new URL(ws.url()).pathname.startsWith('/api/signals')) return;
      ws.on('framesent', frame => {
        if (String(frame.payload).includes('"subscribe"')) resolve(ws.url());
      });
    });
  });
  await signIn(page);
  await page.goto('/');
  const outcome = await Promise.race([
    subscribed.then(() => 'subscribed'),
    page.waitForTimeout(45_000).then(() => 'no signals connection in 45 s'),
  ]);
  expect(outcome).toBe('subscribed');
});
