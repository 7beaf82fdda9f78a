import fs from 'fs';
import path from 'path';
import { expect, test } from '@playwright/test';
import { DESKTOPS } from './desktopsDir';
import { contrastRatio, pageScrolls, VIEWPORTS } from './pageChecks';
import { fillOrder, screenColours } from './ordering';
import { signIn } from './signIn';

const SHOTS = path.resolve(__dirname, '../test-results/e2e');

test('order a Linux desktop from the template and use it in the Desktop tab', async ({
  page,
}) => {
  const name = `e2e-${Date.now().toString(36)}`;
  await signIn(page);

  await page.goto('/create');
  await page.getByRole('heading', { name: 'Linux desktop' }).waitFor();
  await fillOrder(page, name);
  await page.getByRole('button', { name: 'Create' }).click();

  // The task ends with a link to the new desktop.
  const open = page.getByRole('link', { name: 'Open the desktop' });
  await open.waitFor({ timeout: 90_000 });
  await page.screenshot({ path: `${SHOTS}/template-done.png`, fullPage: true });
  await open.click();

  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/workspace/${name}/desktop`),
  );
  await expect(page.getByTestId('desktop-console-status')).toHaveText(
    /Connected/,
    { timeout: 30_000 },
  );
  await expect
    .poll(() => screenColours(page), { timeout: 20_000 })
    .toBeGreaterThan(2);
  await page.screenshot({
    path: `${SHOTS}/desktop-connected.png`,
    fullPage: true,
  });

  // Type into the desktop's terminal: the file appears in the desktop's home.
  const proof = `proof-${Date.now()}`;
  const canvas = page
    .locator('[data-testid="desktop-console-canvas-container"] canvas')
    .first();
  await canvas.click({ position: { x: 200, y: 200 } });
  await page.keyboard.type(`touch ~/${proof}\n`, { delay: 20 });
  await expect
    .poll(() => fs.existsSync(path.join(DESKTOPS, name, 'home', proof)), {
      timeout: 15_000,
    })
    .toBe(true);

  // What the desktop copies shows up in the console's clipboard panel.
  await page.keyboard.type(
    `printf clip-${proof} | xclip -selection clipboard\n`,
    { delay: 20 },
  );
  await expect(page.getByTestId('desktop-clipboard-remote')).toHaveValue(
    `clip-${proof}`,
    { timeout: 15_000 },
  );
  await page.screenshot({ path: `${SHOTS}/desktop-used.png`, fullPage: true });

  // Fit resizes the desktop to the screen area: at each common window size
  // it is shown at 100%, and the page itself does not scroll.
  const screen = page.getByTestId('desktop-console-canvas-container');
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    // The desktop follows the window a moment later (RandR through Xvnc).
    await expect
      .poll(
        () =>
          screen.evaluate(el => {
            const shown = el.querySelector('canvas');
            const width = shown?.getBoundingClientRect().width ?? 0;
            return Math.abs(width - el.clientWidth) <= 1;
          }),
        { timeout: 20_000 },
      )
      .toBe(true);
    await expect(screen).toHaveAttribute('data-scale-percent', '100');
    expect(await pageScrolls(page)).toBe(false);
    await expect(page.getByTestId('desktop-console-scale')).toHaveText(
      /· 100%$/,
    );
    await page.screenshot({
      path: `${SHOTS}/desktop-fit-${viewport.width}x${viewport.height}.png`,
    });
  }
  // The connection indicator shows measured figures, the viewer count this tab.
  await expect(page.getByTestId('desktop-console-connection')).toHaveText(
    /\d+ ms/,
  );
  await expect(page.getByTestId('desktop-console-viewers')).toHaveText(
    /1 viewer/,
  );
  await page.setViewportSize(VIEWPORTS[0]);

  // A file uploaded in the Files tab lands in the desktop's ~/Uploads.
  await page.goto(`/catalog/default/workspace/${name}/files`);
  await page.getByTestId('files-upload-input').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(`uploaded-${proof}`),
  });
  await expect
    .poll(
      () => {
        const file = path.join(DESKTOPS, name, 'home', 'Uploads', 'notes.txt');
        return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      },
      { timeout: 15_000 },
    )
    .toBe(`uploaded-${proof}`);
  await expect(
    page.getByRole('button', { name: 'Download notes.txt' }),
  ).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/files.png` });

  // The home page lists it, running, with an Open button.
  await page.goto('/');
  await expect(page.getByText(name).first()).toBeVisible();
  await expect(page.getByText(/1 of 3 desktops used/).first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/home.png` });

  // The catalog lists it under its own kind, with the columns desktops need.
  await page.goto('/catalog?filters[kind]=workspace&filters[user]=all');
  const row = page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(row).toBeVisible();
  await expect(
    page.getByRole('columnheader', { name: 'Desktop' }),
  ).toBeVisible();
  await expect(row.getByRole('cell', { name: /Linux · small/ })).toBeVisible();
  await page.screenshot({
    path: `${SHOTS}/catalog-workspaces.png`,
    fullPage: true,
  });

  // The entity page shows the desktop running, what it uses of its size,
  // and extends its expiry by a day.
  await page.goto(`/catalog/default/workspace/${name}`);
  await expect(page.getByText('Running').first()).toBeVisible();
  await expect(page.getByText(/\d.* of 4\.0 GiB \(\d+%\)/)).toBeVisible({
    timeout: 20_000,
  });
  // The 20 GiB home's filesystem holds a little less than its image.
  await expect(page.getByText(/ of (19|20)\.\d GiB \(\d+%\)/)).toBeVisible();
  await page.getByRole('button', { name: 'Extend' }).click();
  await page.getByRole('menuitem', { name: '+1 day' }).click();
  await expect(page.getByText(`${name} now expires in 8 days`)).toBeVisible();
  await page.screenshot({
    path: `${SHOTS}/workspace-entity.png`,
    fullPage: true,
  });

  // My workspaces lists it with its expiry in words, under a readable
  // order button (its label once had the button's own colour).
  await page.goto('/workspaces');
  const mine = page.getByRole('row', { name: new RegExp(name) });
  await expect(mine.getByText('in 8 days')).toBeVisible();
  const order = page.getByRole('button', { name: 'Order a desktop' }).first();
  const { text, background } = await order.evaluate(el => {
    const style = getComputedStyle(el);
    return { text: style.color, background: style.backgroundColor };
  });
  expect(contrastRatio(text, background)).toBeGreaterThanOrEqual(4.5);
  await page.screenshot({ path: `${SHOTS}/my-workspaces.png`, fullPage: true });

  // Delete asks first, then removes the desktop and its home folder.
  await page.goto(`/catalog/default/workspace/${name}`);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await expect
    .poll(() => fs.existsSync(path.join(DESKTOPS, name)), { timeout: 15_000 })
    .toBe(false);
});
