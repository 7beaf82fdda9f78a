/*
 * The portal as a person uses it, for the frame profile: the real backend
 * (packages/backend, with the built app it serves), a real local desktop
 * ordered through the API and started by the local provider (Xvnc, openbox,
 * xterm in its sandbox), and Chromium on the desktop's Desktop tab, where the
 * suite's own console (DesktopConsole) draws it. The page is instrumented
 * from outside only: the noVNC client the console makes, and the bytes its
 * websocket receives, are exposed to the benchmark by an init script.
 */
import fs from 'fs';
import path from 'path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Page,
} from 'playwright-core';
import { buildApp, guestToken, startBackend } from './backend';
import { freePort, waitFor } from './processes';
import { createWorkspace, settle } from './processGroups';

/**
 * Runs in the page before the app: keeps the RFB client the console makes
 * as `window.rfb` and counts the bytes every websocket receives. RFB's
 * constructor assigns `this._display` before the Display exists, so a
 * setter on Object.prototype sees the client without touching the bundle;
 * once the Display is there the property becomes a plain one again.
 */
function instrument(canvasOptions: string) {
  const w = window as any;
  w.bench = { bytes: 0 };
  // eslint-disable-next-line no-extend-native -- the only way in, see above
  Object.defineProperty(Object.prototype, '_display', {
    configurable: true,
    set(this: any, first: unknown) {
      const keep = (v: any) => {
        Object.defineProperty(this, '_display', {
          value: v,
          writable: true,
          configurable: true,
          enumerable: true,
        });
        if (v && v._backbuffer) w.rfb = this;
      };
      if (first) {
        keep(first);
        return;
      }
      Object.defineProperty(this, '_display', {
        configurable: true,
        enumerable: true,
        get: () => null,
        set: keep,
      });
    },
  });
  const Native = window.WebSocket;
  w.WebSocket = class extends Native {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.addEventListener('message', (e: MessageEvent) => {
        w.bench.bytes += e.data.byteLength ?? e.data.length ?? 0;
      });
    }
  };
  // A variant may force the 2D context options of the console's canvases
  // (the first two made, the visible one and noVNC's back buffer), to
  // measure a setting against the build's own choice in the same run.
  if (canvasOptions) {
    const forced = JSON.parse(canvasOptions);
    const getContext = HTMLCanvasElement.prototype.getContext;
    let left = 2;
    (HTMLCanvasElement.prototype as any).getContext = function getCtx(
      this: HTMLCanvasElement,
      kind: string,
      options?: object,
    ) {
      if (kind === '2d' && left > 0 && !(this as any).benchForced) {
        left -= 1;
        (this as any).benchForced = true;
        return getContext.call(this, kind, forced);
      }
      return (getContext as any).call(this, kind, options);
    };
  }
}

export interface PortalDesktop {
  origin: string;
  name: string;
  /** The X display of the desktop, e.g. `:170`, and the cookie file to reach it. */
  display: string;
  xauthority: string;
  browser: Browser;
  /**
   * Opens the desktop's Desktop tab in a fresh context, signed in, with the
   * given console settings stored, and waits for the console to connect at
   * the wanted size; `context.close()` ends it.
   */
  openDesktopTab(settings: DesktopTabSettings): Promise<{
    page: Page;
    context: BrowserContext;
  }>;
  stop(): Promise<void>;
}

export interface DesktopTabSettings {
  /** The console's stored quality preset id, e.g. `broadband`. */
  quality?: string;
  /** Other console preferences (user-settings keys), e.g. `canvas`. */
  preferences?: Record<string, string>;
  /** 2D context options forced on the console's canvases (see `instrument`). */
  canvasOptions?: Record<string, unknown>;
}

/**
 * Builds the app unless unchanged, starts the backend serving it, orders a
 * local desktop of `geometry` and waits until it runs.
 */
export async function startPortalDesktop(options: {
  geometry: string;
  deadlineMs: number;
}): Promise<PortalDesktop> {
  const [width, height] = options.geometry.split('x').map(Number);
  const work = createWorkspace('frame-portal', options.deadlineMs);
  // Run as root, the local provider gives each desktop its own user, who must
  // pass through this folder to reach the desktops folder inside it.
  fs.chmodSync(work.dir, 0o711);
  process.stderr.write('frame-profile: building the app unless unchanged\n');
  buildApp(options.deadlineMs);
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const dataDir = path.join(work.dir, 'desktops');
  process.stderr.write(`frame-profile: starting the portal on ${origin}\n`);
  let browser: Browser | undefined;
  try {
    const backend = await startBackend({
      port,
      dir: work.dir,
      log: work.logFile('backend'),
      backend: { cors: { origin, credentials: true } },
      config: {
        workspaces: {
          local: { dataDir, displayBase: 170 },
          console: { maxSessionsPerUser: 100 },
        },
      },
    });
    await settle([backend.pid]);
    browser = await chromium.launch({
      executablePath: process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    const token = await guestToken(origin);
    const name = `frames-${Date.now().toString(36)}`;
    const order = await fetch(`${origin}/api/workspaces/workspaces`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        name,
        image: 'debian-desktop',
        size: sizeFor(options.geometry),
        diskGi: 20,
        cluster: 'local',
      }),
    });
    if (!order.ok)
      throw new Error(`order failed: ${order.status} ${await order.text()}`);
    const stateFile = path.join(dataDir, name, 'state.json');
    await waitFor(
      () => {
        if (!fs.existsSync(stateFile)) return false;
        const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
        return typeof state.display === 'number' && !!state.sandbox;
      },
      'the local desktop',
      120_000,
    );
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const display = `:${state.display}`;
    const xauthority = path.join(dataDir, name, 'run', 'Xauthority');
    // Chromium's window is as large as the desktop plus the portal around
    // the console: learned from the first tab, then kept.
    let viewport = { width: width + 300, height: height + 300 };

    const openDesktopTab = async (settings: DesktopTabSettings) => {
      const context = await browser!.newContext({ viewport });
      try {
        await context.addInitScript(
          instrument,
          settings.canvasOptions ? JSON.stringify(settings.canvasOptions) : '',
        );
        const page = await context.newPage();
        await signIn(page, origin);
        // The console keeps its preferences with the signed-in person
        // (user-settings backend), not in this browser.
        const settingsToken = await guestToken(origin);
        const preferences = {
          ...settings.preferences,
          ...(settings.quality ? { quality: settings.quality } : {}),
        };
        for (const [key, value] of Object.entries(preferences)) {
          const res = await fetch(
            `${origin}/api/user-settings/buckets/default.desktopmania.console/keys/${key}`,
            {
              method: 'PUT',
              headers: {
                Authorization: `Bearer ${settingsToken}`,
                'Content-Type': 'application/json',
              },
              body: JSON.stringify({ value }),
            },
          );
          if (!res.ok)
            throw new Error(`storing the console's ${key}: ${res.status}`);
        }
        await page.goto(`${origin}/catalog/default/workspace/${name}/desktop`);
        await page
          .getByTestId('desktop-console-status')
          .filter({ hasText: /Connected/ })
          .waitFor({ timeout: 60_000 });
        await page
          .waitForFunction(() => !!(window as any).rfb, undefined, {
            timeout: 20_000,
          })
          .catch(() => {
            throw new Error('the console made no noVNC client the page saw');
          });
        // Fit mode asks the desktop for the screen area's size, rounded
        // down: the window grows until that is the wanted size.
        for (let step = 0; step < 3; step++) {
          const box = await page
            .getByTestId('desktop-console-canvas-container')
            .boundingBox();
          if (!box) throw new Error('the console has no screen area');
          if (
            Math.floor(box.width) === width &&
            Math.floor(box.height) === height
          )
            break;
          viewport = {
            width: viewport.width + Math.ceil(width - box.width),
            height: viewport.height + Math.ceil(height - box.height),
          };
          await page.setViewportSize(viewport);
          await page.waitForTimeout(1500);
        }
        // Fit mode asks the desktop for the screen area's size.
        await page
          .waitForFunction(
            ([w, h]) => {
              const rfb = (window as any).rfb;
              return rfb._fbWidth === w && rfb._fbHeight === h;
            },
            [width, height] as const,
            { timeout: 20_000 },
          )
          .catch(async () => {
            const seen = await page.evaluate(() => {
              const rfb = (window as any).rfb;
              const box = document
                .querySelector(
                  '[data-testid="desktop-console-canvas-container"]',
                )
                ?.getBoundingClientRect();
              return `desktop ${rfb._fbWidth}x${rfb._fbHeight}, screen area ${box?.width}x${box?.height}`;
            });
            throw new Error(
              `the desktop did not take ${options.geometry}: ${seen}`,
            );
          });
        return { page, context };
      } catch (error) {
        await context.close();
        throw error;
      }
    };

    // A first tab only to learn the window size: its own resizes would
    // fall into the first measured round.
    await (await openDesktopTab({})).context.close();
    return {
      origin,
      name,
      display,
      xauthority,
      browser,
      openDesktopTab,
      stop: async () => {
        await browser?.close();
        await fetch(`${origin}/api/workspaces/workspaces/${name}`, {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${await guestToken(origin)}` },
        }).catch(() => undefined);
        backend.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    throw new Error(`${(error as Error).message}\n${work.lastLogLines()}`);
  }
}

/** The smallest size in app-config.yaml whose geometry is the wanted one. */
function sizeFor(geometry: string) {
  const sizes: Record<string, string> = {
    '1280x800': 'small',
    '1600x900': 'medium',
    '1920x1080': 'large',
  };
  return sizes[geometry] ?? 'medium';
}

/** The guest sign-in, as e2e/signIn.ts does it. */
async function signIn(page: Page, origin: string) {
  await page.goto(`${origin}/`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('heading', { name: 'Your desktops' })
    .waitFor({ timeout: 60_000 });
}
