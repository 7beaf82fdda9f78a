import path from 'path';
import { expect, type Locator, type Page } from '@playwright/test';
import { DESKTOPS } from './desktopsDir';
import { startExtraPortal, type ExtraPortal } from './extraPortal';
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

/** A running idle portal. */
export type IdlePortal = ExtraPortal;

/** The portal with e2e/app-config.e2e-idle.yaml on top of the main one's. */
export function startIdlePortal(timeoutMs: number): Promise<IdlePortal> {
  return startExtraPortal({
    name: 'idle',
    url: IDLE_URL,
    configs: ['e2e/app-config.e2e.yaml', 'e2e/app-config.e2e-idle.yaml'],
    desktopsDir: IDLE_DESKTOPS,
    log: path.join(ROOT, 'test-results/e2e/idle-portal.log'),
    timeoutMs,
  });
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
