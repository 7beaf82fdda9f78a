import { defineConfig } from '@playwright/test';

const BASE_URL = 'http://localhost:7017';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalTeardown: './globalTeardown.ts',
  outputDir: '../test-results/e2e',
  use: {
    baseURL: BASE_URL,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command:
      'backstage-cli package start --config ../../app-config.yaml --config ../../e2e/app-config.e2e.yaml',
    cwd: '../packages/backend',
    url: `${BASE_URL}/.backstage/health/v1/readiness`,
    timeout: 180_000,
    reuseExistingServer: false,
    // Warnings and errors only, so a portal that fails to start says why.
    env: { LOG_LEVEL: 'warn' },
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
