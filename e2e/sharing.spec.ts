import path from 'path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { workspacesApi } from './keyboardChecks';
import { openDesktopTab } from './ordering';
import {
  oidcToken,
  OWNER,
  signInThroughOidc,
  startSharingPortal,
  TEAMMATE,
  type SharingPortal,
} from './sharingPortal';

// Beside the run's output folder, which the next run empties at its start.
const SHOTS = path.resolve(__dirname, '../test-results/e2e-sharing');

/**
 * The share of the console's pixels in one colour, as [r, g, b] each within
 * 60 of it. A terminal cleared with a background colour fills the screen.
 */
function screenShare(page: Page, rgb: [number, number, number]) {
  return page.evaluate(([r, g, b]) => {
    const canvas = document.querySelector(
      '[data-testid="desktop-console-canvas-container"] canvas',
    ) as HTMLCanvasElement | null;
    if (!canvas || !canvas.width) return 0;
    const data = canvas
      .getContext('2d')!
      .getImageData(0, 0, canvas.width, canvas.height).data;
    let hits = 0;
    let all = 0;
    for (let i = 0; i < data.length; i += 4 * 97) {
      all += 1;
      if (
        Math.abs(data[i] - r) < 60 &&
        Math.abs(data[i + 1] - g) < 60 &&
        Math.abs(data[i + 2] - b) < 60
      )
        hits += 1;
    }
    return hits / all;
  }, rgb);
}

const RED: [number, number, number] = [205, 0, 0];
const BLUE: [number, number, number] = [0, 0, 238];
/** Clears xterm with a background colour (41 red, 44 blue), filling its window. */
const paint = (sgr: number) => `printf '\\033[${sgr}m\\033[2J\\033[H'\n`;

const canvasOf = (page: Page) =>
  page.locator('[data-testid="desktop-console-canvas-container"] canvas');

test.describe.serial('sharing a desktop with a teammate', () => {
  const name = `e2e-share-${Date.now().toString(36)}`;
  let owner: Page;
  let ownerContext: BrowserContext;
  let teammate: Page;
  let teammateContext: BrowserContext;
  let api: ReturnType<typeof workspacesApi>;

  let portal: SharingPortal | undefined;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(420_000);
    portal = await startSharingPortal(280_000);
    ({ context: ownerContext, page: owner } = await signInThroughOidc(
      browser,
      portal,
      OWNER.email,
    ));
    api = workspacesApi(owner, await oidcToken(owner));
    expect((await api.order(name)).status()).toBe(201);
    await expect
      .poll(async () => (await (await api.get(name)).json()).status?.phase, {
        timeout: 90_000,
      })
      .toBe('Running');
    ({ context: teammateContext, page: teammate } = await signInThroughOidc(
      browser,
      portal,
      TEAMMATE.email,
    ));
  });

  test.afterAll(async () => {
    test.setTimeout(60_000);
    await teammateContext?.close();
    if (api) await api.remove(name).catch(() => undefined);
    await ownerContext?.close();
    await portal?.stop();
  });

  test('the teammate watches a view-only share and cannot type into it', async () => {
    test.setTimeout(240_000);
    // The owner shares from the Sharing card of the desktop's page.
    await expect(async () => {
      await owner.goto(`/catalog/default/workspace/${name}`);
      await expect(
        owner.getByRole('button', { name: 'Share', exact: true }),
      ).toBeVisible({ timeout: 10_000 });
    }).toPass({ timeout: 60_000 });
    await owner.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel('Share with').click();
    await owner.getByRole('listbox').waitFor();
    await owner.screenshot({ path: `${SHOTS}/sharing-people.png` });
    await owner
      .getByRole('option', { name: /Teammate/ })
      .click({ timeout: 20_000 });
    await expect(
      dialog.getByLabel('Watch the screen (view only)'),
    ).toBeChecked();
    await dialog.getByLabel('For', { exact: true }).click();
    await owner.getByRole('option', { name: '1 hour' }).click();
    await owner.screenshot({ path: `${SHOTS}/sharing-dialog.png` });
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await expect(dialog).toBeHidden();
    const row = owner.getByTestId(`share-${TEAMMATE.ref}`);
    await expect(row).toContainText('View only');
    await expect(row).toContainText(/Ends in (59|60) min/);
    await owner.screenshot({
      path: `${SHOTS}/sharing-card.png`,
      fullPage: true,
    });

    // The teammate finds it on their home page and opens its Desktop tab.
    await teammate.goto('/');
    const shared = teammate.getByTestId(`shared-${name}`);
    await expect(shared).toContainText('View only');
    await expect(shared).toContainText(/guest/i);
    await teammate.screenshot({
      path: `${SHOTS}/sharing-shared-with-me.png`,
      fullPage: true,
    });
    await shared.getByRole('link', { name }).click();
    await expect(teammate).toHaveURL(
      new RegExp(`/catalog/default/workspace/${name}/desktop`),
    );
    await expect(teammate.getByTestId('desktop-console-status')).toHaveText(
      /Connected/,
    );
    await expect(teammate.getByTestId('desktop-console-view-only')).toHaveText(
      'View only — shared by guest',
    );
    // Lifecycle buttons are the owner's; a grantee sees none.
    await expect(teammate.getByRole('button', { name: 'Stop' })).toHaveCount(0);

    // What the owner types shows on the teammate's screen.
    await openDesktopTab(owner, name, 1);
    await expect(owner.getByTestId('desktop-console-present')).toContainText(
      'teammate',
    );
    await canvasOf(owner).click({ position: { x: 200, y: 200 } });
    await owner.keyboard.type(paint(41), { delay: 20 });
    await expect
      .poll(() => screenShare(teammate, RED), { timeout: 20_000 })
      .toBeGreaterThan(0.5);
    await expect(teammate.getByTestId('desktop-console-present')).toContainText(
      'guest',
    );
    await teammate.screenshot({
      path: `${SHOTS}/sharing-teammate-watching.png`,
    });

    // The teammate's keys reach nothing: no blue screen, no file.
    await canvasOf(teammate).click({ position: { x: 200, y: 200 } });
    await teammate.keyboard.type(`${paint(44)}touch ~/from-teammate\n`, {
      delay: 20,
    });
    await teammate.waitForTimeout(5_000);
    expect(await screenShare(teammate, BLUE)).toBeLessThan(0.05);
    expect(await screenShare(owner, BLUE)).toBeLessThan(0.05);
    expect(await screenShare(teammate, RED)).toBeGreaterThan(0.5);
    expect(await api.read(name, 'from-teammate')).toBeUndefined();
    // The same keys from the owner do arrive, so the silence above is the share's.
    await canvasOf(owner).click({ position: { x: 200, y: 200 } });
    await owner.keyboard.type(`touch ~/from-owner\n`, { delay: 20 });
    await expect
      .poll(() => api.read(name, 'from-owner'), { timeout: 15_000 })
      .toBe('');
    await teammate.screenshot({ path: `${SHOTS}/sharing-teammate-typed.png` });
  });

  test('revoking the share closes the teammate’s console with a message', async () => {
    await owner.goto(`/catalog/default/workspace/${name}`);
    await owner.getByRole('button', { name: `Revoke ${TEAMMATE.ref}` }).click();
    await expect(owner.getByTestId(`share-${TEAMMATE.ref}`)).toHaveCount(0);
    await expect(teammate.getByTestId('desktop-console-status')).toHaveText(
      'Disconnected: Your access to this desktop was revoked',
      { timeout: 15_000 },
    );
    await teammate.screenshot({ path: `${SHOTS}/sharing-revoked.png` });
    await owner.screenshot({ path: `${SHOTS}/sharing-card-revoked.png` });
    // It stays closed: the share is gone from their home page too.
    await teammate.goto('/');
    await expect(teammate.getByTestId(`shared-${name}`)).toHaveCount(0);
  });
});
