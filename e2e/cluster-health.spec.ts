import path from 'path';
import { expect, test } from '@playwright/test';
import { signIn } from './signIn';

const SHOTS = path.resolve(__dirname, '../test-results/e2e');

test('platform owners read the cluster health page, fed by a real Prometheus', async ({
  page,
}) => {
  test.skip(
    !process.env.E2E_PROMETHEUS_URL,
    'E2E_PROMETHEUS_URL is not set: scripts/test.sh starts the test Prometheus',
  );
  await signIn(page);
  await page.getByRole('link', { name: 'Cluster health' }).first().click();
  await expect(page).toHaveURL(/\/cluster-health$/);
  await expect(page.getByText('Nodes (4/5 ready)')).toBeVisible();
  await expect(
    page.getByTestId('cluster-alerts').getByText('KubeNodeNotReady'),
  ).toBeVisible();
  await expect(
    page.getByTestId('cluster-alerts').getByText('LonghornVolumeDegraded'),
  ).toBeVisible();
  await expect(page.getByText('Desktops by status')).toBeVisible();
  await expect(page.getByTestId('chart-runningDesktopsOverTime')).toBeVisible();
  await page.screenshot({
    path: `${SHOTS}/cluster-health.png`,
    fullPage: true,
  });

  // The cluster's Resource entity carries a health card.
  await page.goto('/catalog/default/resource/local');
  await expect(page.getByText('Nodes ready: 4/5')).toBeVisible();
});
