import fs from 'fs';
import path from 'path';
import { expect, type Page, test } from '@playwright/test';
import {
  countdownSeconds,
  expectWarningClear,
  IDLE_DESKTOPS,
  IDLE_URL,
  type IdlePortal,
  startIdlePortal,
} from './idleChecks';
import { pageScrolls, VIEWPORTS } from './pageChecks';
import { orderDesktop } from './ordering';
import { signIn } from './signIn';

const SHOTS = path.resolve(__dirname, '../test-results/e2e');

// The main portal's consoles wait 30 minutes before closing; this spec
// watches the whole countdown on a portal of its own that waits 16 s.
let portal: IdlePortal | undefined;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const started = Date.now();
  portal = await startIdlePortal(280_000);
  // What this spec adds to the run's time, for whoever tunes it.
  // eslint-disable-next-line no-console
  console.log(`Idle portal ready in ${(Date.now() - started) / 1000} s`);
});

test.afterAll(async () => {
  await portal?.stop();
});

const size = (page: Page) => {
  const { width, height } = page.viewportSize()!;
  return `${width}x${height}`;
};

test('the console warns before closing for inactivity, counts its viewers and measures the line', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const name = `e2e-idle-${Date.now().toString(36)}`;
  // One window at each size, side by side on the same desktop: each is a
  // console session of its own, with its own idle clock at the proxy.
  const contexts = await Promise.all(
    VIEWPORTS.map(viewport =>
      browser.newContext({ baseURL: IDLE_URL, viewport }),
    ),
  );
  const [small, large] = await Promise.all(contexts.map(c => c.newPage()));
  const pages = [small, large];
  await Promise.all(pages.map(signIn));

  await orderDesktop(small, name);
  await large.goto(`/catalog/default/workspace/${name}/desktop`);
  for (const page of pages) {
    await expect(page.getByTestId('desktop-console-status')).toHaveText(
      /Connected/,
      { timeout: 30_000 },
    );
    // The pointer rests away from the desktop, which would count a move.
    await page.mouse.move(0, 0);
  }

  // Both windows count both sessions, and measure their round trip.
  for (const page of pages) {
    await expect(page.getByTestId('desktop-console-viewers')).toHaveText(
      '2 viewers',
    );
    await expect(page.getByTestId('desktop-console-connection')).toHaveText(
      /\d+ ms/,
    );
  }

  // Closing one window leaves one viewer.
  await contexts[1].close();
  await expect(small.getByTestId('desktop-console-viewers')).toHaveText(
    '1 viewer',
    { timeout: 10_000 },
  );

  // Left alone, the console shows the countdown in its last 8 s, going
  // down; a pointer move (at one size) or a key (at the other) clears it and
  // the console stays. One window at a time: the desktop takes the size of
  // the window that last fitted it, and the countdown is that window's.
  const canvas = small
    .getByTestId('desktop-console-canvas-container')
    .locator('canvas')
    .first();
  const nudges: Array<() => Promise<void>> = [
    async () => {
      const box = (await canvas.boundingBox())!;
      await small.mouse.move(box.x + box.width / 2, box.y + box.height / 2, {
        steps: 5,
      });
      await small.mouse.move(0, 0);
    },
    () => small.keyboard.press('Shift'),
  ];
  for (const [i, viewport] of VIEWPORTS.entries()) {
    await small.setViewportSize(viewport);
    await small.mouse.move(0, 0);
    const warning = small.getByTestId('desktop-console-idle-warning');
    await expect(warning).toBeVisible({ timeout: 20_000 });
    await expect(warning).toHaveText(
      /^Disconnecting in 0:0\d for inactivity — move the mouse or press a key to stay$/,
    );
    const first = await countdownSeconds(warning);
    expect(first).toBeLessThanOrEqual(8);
    await expect
      .poll(() => countdownSeconds(warning), { timeout: 5000 })
      .toBeLessThan(first);
    await expectWarningClear(small, warning);
    expect(await pageScrolls(small)).toBe(false);
    await small.screenshot({
      path: `${SHOTS}/idle-warning-${size(small)}.png`,
    });
    await nudges[i]();
    await expect(warning).toBeHidden({ timeout: 3000 });
    await expect(small.getByTestId('desktop-console-status')).toHaveText(
      /Connected/,
    );
  }

  // Left alone again, it runs out and says so, with a way back.
  const status = small.getByTestId('desktop-console-status');
  await expect(status).toHaveText(/inactiv|without input/i, {
    timeout: 30_000,
  });
  await expect(status).toHaveText(
    /^Disconnected[^.]*(inactiv|without input)[^.]*\.?$/i,
  );
  await expect(small.getByTestId('desktop-console-idle-warning')).toBeHidden();
  await small.screenshot({
    path: `${SHOTS}/idle-disconnected-${size(small)}.png`,
  });
  await small.getByRole('button', { name: /^(Reconnect|Connect)$/ }).click();
  await expect(status).toHaveText(/Connected/, { timeout: 30_000 });
  await small.keyboard.press('Shift');

  await small.goto(`/catalog/default/workspace/${name}`);
  await small.getByRole('button', { name: 'Delete' }).click();
  await small.getByRole('button', { name: 'Delete for good' }).click();
  await expect
    .poll(() => fs.existsSync(path.join(IDLE_DESKTOPS, name)), {
      timeout: 15_000,
    })
    .toBe(false);
  await contexts[0].close();
});
