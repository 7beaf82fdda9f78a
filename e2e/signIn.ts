import type { Page } from '@playwright/test';

/** Signs in as the guest user, who owns desktops and reads cluster health. */
export async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.click();
  await page.getByRole('navigation', { name: 'sidebar nav' }).waitFor();
}
