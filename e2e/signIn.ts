import type { Page } from '@playwright/test';

/** Signs in as the guest user, who owns desktops and reads cluster health. */
export async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  // People land on their desktops, not on the catalog.
  await page.getByRole('heading', { name: 'Your desktops' }).waitFor();
}
