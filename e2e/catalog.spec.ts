import { expect, test } from '@playwright/test';
import { signIn } from './signIn';

test('the catalog lists the suite itself', async ({ page }) => {
  await signIn(page);
  await page.goto('/catalog?filters[kind]=component&filters[user]=all');
  await expect(
    page.getByRole('link', { name: 'workspaces-backend', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'cluster-health', exact: true }),
  ).toBeVisible();
  await page.screenshot({
    path: '../test-results/e2e/catalog.png',
    fullPage: true,
  });

  await page.goto('/catalog?filters[kind]=system&filters[user]=all');
  await expect(
    page.getByRole('link', { name: 'Desktop Mania', exact: true }),
  ).toBeVisible();
});
