import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import { expect, type Locator, type Page } from '@playwright/test';
import { DESKTOPS } from './desktopsDir';
import { contrastRatio } from './pageChecks';

/** The second e2e portal, whose consoles close after 16 s without input. */
export const IDLE_URL = 'http://localhost:7018';

/**
 * Beside the main portal's desktops, so the folder scripts/test.sh may
 * have moved them to is one this portal's desktop users can pass through
 * too, and the run's teardown (which matches that path) stops them as well.
 */
export const IDLE_DESKTOPS = `${DESKTOPS}-idle`;

const ROOT = path.resolve(__dirname, '..');
const LOG = path.join(ROOT, 'test-results/e2e/idle-portal.log');

/** A running idle portal; `stop` ends it and everything it started in its process group. */
export interface IdlePortal {
  stop(): Promise<void>;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(true);
  }
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts the same backend and built app as playwright.config's web server,
 * with e2e/app-config.e2e-idle.yaml on top, and waits until it is ready.
 * Plain node with the CLI's transform rather than `backstage-cli package
 * start`: that one restarts on every source edit, and this portal must
 * keep its consoles open for the whole test.
 */
export async function startIdlePortal(timeoutMs: number): Promise<IdlePortal> {
  fs.mkdirSync(path.dirname(LOG), { recursive: true });
  const log = fs.openSync(LOG, 'w');
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index.ts',
      ...[
        'app-config.yaml',
        'e2e/app-config.e2e.yaml',
        'e2e/app-config.e2e-idle.yaml',
      ].flatMap(file => ['--config', path.join(ROOT, file)]),
    ],
    {
      cwd: path.join(ROOT, 'packages/backend'),
      // Its own process group, so stopping it stops its children too.
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        ESBK_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
        LOG_LEVEL: 'warn',
        APP_CONFIG_workspaces_local_dataDir: IDLE_DESKTOPS,
      },
    },
  );
  fs.closeSync(log);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    if (!(await exited(child, 15_000))) process.kill(-child.pid!, 'SIGKILL');
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `The idle portal exited with code ${child.exitCode}; see ${LOG}`,
      );
    }
    const ready = await fetch(`${IDLE_URL}/.backstage/health/v1/readiness`, {
      signal: AbortSignal.timeout(2000),
    }).then(
      r => r.ok,
      () => false,
    );
    if (ready) return { stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The idle portal was not ready in time; see ${LOG}`);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

/** The idle countdown's figure, in seconds. */
export async function countdownSeconds(warning: Locator): Promise<number> {
  const text = await warning.getByRole('timer').textContent();
  const match = /^(\d+):(\d\d)$/.exec(text?.trim() ?? '');
  expect(match, `countdown '${text}'`).not.toBeNull();
  return Number(match![1]) * 60 + Number(match![2]);
}

/**
 * The warning as a person sees it: inside the window, clear of every
 * toolbar control, its text at WCAG AA contrast with its background.
 */
export async function expectWarningClear(page: Page, warning: Locator) {
  const box = (await warning.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  // Measured in one go in the page: the toolbar re-renders every second
  // while the countdown runs, so controls looked up one by one can vanish.
  const overlapped = await page.evaluate(
    ({ x, y, width, height }) =>
      [
        ...document.querySelectorAll(
          '[data-testid="desktop-console-toolbar"] :is(button, a, [role="img"], [role="status"])',
        ),
      ]
        .filter(el => {
          const c = el.getBoundingClientRect();
          return (
            c.width > 0 &&
            c.x < x + width &&
            x < c.x + c.width &&
            c.y < y + height &&
            y < c.y + c.height
          );
        })
        .map(el => el.textContent ?? ''),
    box,
  );
  expect(overlapped, 'toolbar controls under the warning').toEqual([]);
  const colours = await warning.evaluate(el => ({
    text: getComputedStyle(el.querySelector('p') ?? el).color,
    background: getComputedStyle(el).backgroundColor,
  }));
  expect(
    contrastRatio(colours.text, colours.background),
    `warning text ${colours.text} on ${colours.background}`,
  ).toBeGreaterThanOrEqual(4.5);
}
