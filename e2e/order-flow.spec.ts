import path from 'path';
import { expect, Page, test } from '@playwright/test';
import { VIEWPORTS } from './pageChecks';
import { fillOrder, ORDER_FORM } from './ordering';
import { signIn } from './signIn';

const SHOTS = path.resolve(__dirname, '../test-results/e2e');

/** The task page's text, once the task has ended one way or the other. */
async function orderOutcome(page: Page) {
  await page.getByRole('button', { name: 'Create' }).click();
  const done = page.getByRole('link', { name: 'Open the desktop' });
  const failed = page.getByText(/failed|refused|already/i).first();
  await done.or(failed).first().waitFor({ timeout: 90_000 });
  return (await done.count()) > 0 ? 'created' : 'refused';
}

async function searchFinds(page: Page, name: string): Promise<boolean> {
  await page.goto(`/search?query=${encodeURIComponent(name)}`);
  await page.waitForLoadState('networkidle');
  return (await page.getByRole('link', { name, exact: true }).count()) > 0;
}

// The order form and a desktop's life as a person meets them, at both common
// window sizes: what the form says before ordering, what it says when an
// order is refused, the catalog's status, Stop's confirmation, and search
// following an order and a delete within a minute.
test('an order, its refusal and its lifecycle read well at both window sizes', async ({
  page,
}) => {
  test.setTimeout(360_000);
  const name = `flow-${Date.now().toString(36)}`;
  await signIn(page);

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    await page.setViewportSize(viewport);
    await page.goto(ORDER_FORM);

    // The name rule in words, and what is wrong with a name while typing.
    const nameField = page.getByTestId('name-picker');
    await expect(page.getByText(/^Lowercase letters, digits/)).toBeVisible();
    await expect(page.getByText(/\^\[a-z|\\d|\[a-z0-9/)).toHaveCount(0);
    await nameField.fill('Bad_Name');
    await expect(page.getByText(/^The name /)).toBeVisible();

    // Whom one may order for, each with the quota it has used, before ordering.
    await expect(page.getByTestId('owner-quota')).toHaveText(
      /\d+ of \d+ desktops/,
    );
    await page.getByLabel('Owner').click();
    const owners = await page.getByRole('option').allTextContents();
    expect(owners[0]).toMatch(/\(you\) · \d+ of \d+/);
    // The guest is in desktop-users and platform-owners, not in admins.
    expect(owners.join('\n')).not.toMatch(/admins/i);
    await page.keyboard.press('Escape');

    // The review step names the order in words, not in IDs.
    await fillOrder(page, name);
    await expect(page.getByText('Debian desktop').first()).toBeVisible();
    await expect(
      page.getByText('Small', { exact: false }).first(),
    ).toBeVisible();
    await expect(page.getByText('debian-desktop', { exact: true })).toHaveCount(
      0,
    );
    await page.screenshot({ path: `${SHOTS}/order-review-${size}.png` });

    if (viewport === VIEWPORTS[0]) {
      expect(await orderOutcome(page)).toBe('created');
    } else {
      // The same name again is refused in one line that names the field,
      // with no server stack trace on the task page.
      expect(await orderOutcome(page)).toBe('refused');
      await expect(
        page
          .getByText(new RegExp(`name.*${name}|${name}.*already`, 'i'))
          .first(),
      ).toBeVisible();
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
      expect(text).not.toMatch(/node_modules|\.ts:\d+/);
      await page.screenshot({ path: `${SHOTS}/order-refused-${size}.png` });
    }
  }

  // Search lists the new desktop within a minute (collation every 30 s).
  await expect
    .poll(() => searchFinds(page, name), {
      timeout: 75_000,
      intervals: [5_000],
    })
    .toBe(true);

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    await page.setViewportSize(viewport);

    // The catalog's Status column shows the live phase.
    await page.goto('/catalog?filters[kind]=workspace&filters[user]=all');
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect(
      page.getByRole('columnheader', { name: 'Status' }),
    ).toBeVisible();
    await expect(row.getByText(/Running|Starting/)).toBeVisible({
      timeout: 20_000,
    });
    await page.screenshot({ path: `${SHOTS}/catalog-status-${size}.png` });

    // Stop asks first and says what is lost; Cancel keeps it running.
    await page.goto(`/catalog/default/workspace/${name}`);
    await page.getByRole('button', { name: 'Stop' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText(`Stop ${name}?`);
    await expect(dialog).toContainText(/not saved to a file is\s+lost/);
    await page.screenshot({ path: `${SHOTS}/stop-confirm-${size}.png` });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByText('Running').first()).toBeVisible();
  }

  // Confirmed, Stop stops it.
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.getByRole('button', { name: 'Stop it' }).click();
  await expect(page.getByText('Stopped').first()).toBeVisible({
    timeout: 30_000,
  });

  // Deleted, it leaves search within a minute.
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.getByText(`${name} was deleted`)).toBeVisible({
    timeout: 30_000,
  });
  await expect
    .poll(() => searchFinds(page, name), {
      timeout: 75_000,
      intervals: [5_000],
    })
    .toBe(false);
});
