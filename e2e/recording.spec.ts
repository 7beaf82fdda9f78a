import fs from 'fs';
import path from 'path';
import { expect, test } from '@playwright/test';
import { guestToken, workspacesApi } from './keyboardChecks';
import { openDesktopTab } from './ordering';
import { canvasPng, differingShare, savePng } from './recordingChecks';
import {
  RECORDING_URL,
  type RecordingPortal,
  startRecordingPortal,
} from './recordingPortal';
import { signIn } from './signIn';

// Beside Playwright's output folder, which the next run empties: these
// are the pictures to compare by eye after the run.
const SHOTS = path.resolve(__dirname, '../test-results/e2e-recording');

// A portal of its own records every session; the main portal records none.
let portal: RecordingPortal | undefined;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  portal = await startRecordingPortal(280_000);
});

test.afterAll(async () => {
  await portal?.stop();
});

test('a recorded session replays in the browser as it was seen', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const context = await browser.newContext({
    baseURL: RECORDING_URL,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  const name = `e2e-rec-${Date.now().toString(36)}`;
  await signIn(page);
  const token = await guestToken(page);
  const api = workspacesApi(page, token);
  const ordered = await api.order(name);
  expect(ordered.status(), await ordered.text()).toBe(201);
  try {
    await expect
      .poll(async () => (await (await api.get(name)).json()).status?.phase, {
        timeout: 90_000,
      })
      .toBe('Running');
    const workspace = await (await api.get(name)).json();
    expect(workspace.recorded).toBe(true);

    // Whoever opens the console is told that it is recorded.
    await openDesktopTab(page, name);
    await expect(
      page.getByTestId('desktop-console-recording-banner'),
    ).toContainText('This session is recorded');

    // Something distinctive on the screen, in the desktop's terminal.
    const live = page.getByTestId('desktop-console-canvas-container');
    await live
      .locator('canvas')
      .first()
      .click({ position: { x: 200, y: 200 } });
    const proof = `RECORDED-${name.toUpperCase()}`;
    await page.keyboard.type(`clear; echo ${proof}\n`, { delay: 20 });
    // The desktop draws, then stays still: what is on it now is the last
    // picture of the session.
    let before = '';
    await expect
      .poll(
        async () => {
          const now = await canvasPng(live);
          const still = now === before;
          before = now;
          return still;
        },
        { intervals: [1000], timeout: 20_000 },
      )
      .toBe(true);
    const liveShot = before;
    savePng(liveShot, `${SHOTS}/recording-live-canvas.png`);
    await page.screenshot({ path: `${SHOTS}/recording-live.png` });

    // Leaving the tab ends the session and its recording.
    await page.goto(`/catalog/default/workspace/${name}/recordings`);
    const first = page.getByRole('link', { name: /UTC$/ }).first();
    await expect(async () => {
      await page.reload();
      await expect(first).toBeVisible({ timeout: 5000 });
      await expect(page.getByText('In progress')).toHaveCount(0);
    }).toPass({ timeout: 30_000 });
    await expect(
      page.getByRole('cell', { name: 'guest' }).first(),
    ).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/recording-list.png` });

    await first.click();
    await expect(page).toHaveURL(
      new RegExp(`/workspaces/${name}/recordings/[^/]+$`),
    );
    const player = page.getByTestId('recording-player');
    const screen = page.getByTestId('recording-player-screen');
    await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({
      timeout: 30_000,
    });
    // Before playing, the screen is not yet the one the session ended on:
    // the comparison below can tell them apart.
    const atStart = await differingShare(
      page,
      await canvasPng(screen),
      liveShot,
    );
    expect(atStart.share).toBeGreaterThan(0.01);

    await page.getByRole('button', { name: 'Play' }).click();
    await expect(player).toHaveAttribute('data-state', 'playing');
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${SHOTS}/recording-playing.png` });
    await page.getByRole('button', { name: '4×' }).click();
    await expect(player).toHaveAttribute('data-state', 'ended', {
      timeout: 120_000,
    });
    // Images in the last frames may still be decoding.
    await page.waitForTimeout(1000);
    const replayed = await canvasPng(screen);
    savePng(replayed, `${SHOTS}/recording-replayed-canvas.png`);
    await page.screenshot({ path: `${SHOTS}/recording-replayed.png` });
    const atEnd = await differingShare(page, replayed, liveShot);
    expect(atEnd.share, `screens of ${atEnd.sizes}`).toBeLessThan(0.002);

    // Back to the start replays from nothing; to the end, all at once.
    const position = page.getByRole('slider', { name: 'Position' });
    await position.focus();
    await position.press('Home');
    await expect(page.getByTestId('recording-player-time')).toHaveText(
      /^0:00 \//,
    );
    await page.waitForTimeout(500);
    const rewound = await differingShare(
      page,
      await canvasPng(screen),
      liveShot,
    );
    expect(rewound.share).toBeGreaterThan(0.01);
    await position.press('End');
    await expect(player).toHaveAttribute('data-state', 'ended');
    await page.waitForTimeout(1000);
    const skipped = await differingShare(
      page,
      await canvasPng(screen),
      liveShot,
    );
    expect(skipped.share, `screens of ${skipped.sizes}`).toBeLessThan(0.002);

    // Typing on the player goes nowhere: the desktop's terminal, which had
    // the focus, never runs it.
    await screen.click();
    await page.keyboard.type('echo typed > ~/from-player.txt\n', { delay: 20 });
    await page.waitForTimeout(3000);
    expect(await api.read(name, 'from-player.txt')).toBeUndefined();
  } finally {
    await api.remove(name);
    await context.close();
  }
});
