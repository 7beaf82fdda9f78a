import { expect, Page } from '@playwright/test';

export const ORDER_FORM = '/create/templates/default/linux-desktop';

async function pick(page: Page, label: string, option: RegExp) {
  await page.getByLabel(label).click();
  await page.getByRole('option', { name: option }).click();
}

/**
 * Fills the Linux template for a small Debian desktop and stops on the
 * review step. The disk is the image's 20 GiB minimum: the machine must
 * have what is ordered free, and CI machines have had less than 40 GiB.
 */
export async function fillOrder(page: Page, name: string) {
  await page.goto(ORDER_FORM);
  await page.getByTestId('name-picker').fill(name);
  await pick(page, 'Image', /Debian desktop/);
  await pick(page, 'Size', /Small/);
  await page.getByRole('button', { name: 'Next' }).click();
  // The default arrives with the image's limits, from the backend; typing
  // before it would be overwritten.
  await expect(page.getByTestId('disk-picker')).toHaveValue('40');
  await page.getByTestId('disk-picker').fill('20');
  await page.getByRole('button', { name: 'Review' }).click();
}

/** Orders a small Debian desktop from the template and opens its Desktop tab. */
export async function orderDesktop(page: Page, name: string) {
  await fillOrder(page, name);
  await page.getByRole('button', { name: 'Create' }).click();
  const open = page.getByRole('link', { name: 'Open the desktop' });
  await open.waitFor({ timeout: 90_000 });
  await open.click();
}

/** How many different colours the console shows: a black or blank screen has one. */
export function screenColours(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector(
      '[data-testid="desktop-console-canvas-container"] canvas',
    ) as HTMLCanvasElement | null;
    if (!canvas || !canvas.width) return 0;
    const data = canvas
      .getContext('2d')!
      .getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97)
      seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });
}

/**
 * Opens a desktop's Desktop tab, retrying while the catalog has not listed
 * the new desktop yet, and waits until the console is connected and its
 * screen shows more than `colours` colours (a blank screen has one).
 */
export async function openDesktopTab(page: Page, name: string, colours = 2) {
  await expect(async () => {
    await page.goto(`/catalog/default/workspace/${name}/desktop`);
    await expect(page.getByTestId('desktop-console-status')).toHaveText(
      /Connected/,
      { timeout: 10_000 },
    );
  }).toPass({ timeout: 60_000 });
  await expect
    .poll(() => screenColours(page), { timeout: 20_000 })
    .toBeGreaterThan(colours);
}
