import path from 'path';
import { expect, test } from '@playwright/test';
import { guestToken, typeAsKeyboard, workspacesApi } from './keyboardChecks';
import { VIEWPORTS } from './pageChecks';
import { openDesktopTab } from './ordering';
import { signIn } from './signIn';

const SHOTS = path.resolve(__dirname, '../test-results/e2e');

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;

  test.describe(`keyboard and clipboard at ${size}`, () => {
    test.use({
      viewport,
      permissions: ['clipboard-read', 'clipboard-write'],
    });

    test('types Unicode, switches the layout and syncs the clipboard both ways', async ({
      page,
    }) => {
      test.setTimeout(240_000);
      const name = `e2e-kb-${Date.now().toString(36)}`;
      await signIn(page);
      const token = await guestToken(page);
      const api = workspacesApi(page, token);
      // The layout is the person's setting (user-settings backend), kept
      // across browsers: start from the default, whatever a test chose before.
      const stored = await page.request.delete(
        '/api/user-settings/buckets/default.desktopmania.console/keys/keyboardLayout',
        { headers: { Authorization: `Bearer ${token}` } },
      );
      expect([204, 404]).toContain(stored.status());
      expect((await api.order(name)).status()).toBe(201);
      try {
        await expect
          .poll(
            async () => (await (await api.get(name)).json()).status?.phase,
            { timeout: 90_000 },
          )
          .toBe('Running');

        await openDesktopTab(page, name);
        const canvas = page
          .locator('[data-testid="desktop-console-canvas-container"] canvas')
          .first();
        // The terminal fills the desktop; this is inside it.
        const focusTerminal = () =>
          canvas.click({ position: { x: 200, y: 200 } });

        // Accented letters, the euro sign and kanji arrive as themselves.
        const unicode = 'é ü ß € 日本';
        await focusTerminal();
        await typeAsKeyboard(page, `printf %s '${unicode}' > ~/typed.txt\n`);
        await expect
          .poll(() => api.read(name, 'typed.txt'), { timeout: 15_000 })
          .toBe(unicode);

        // German: the Keys panel sets the desktop's X layout.
        await page.getByRole('button', { name: 'Keys', exact: true }).click();
        const layout = page.getByRole('button', { name: 'Keyboard layout' });
        await expect(layout).toHaveText('English (US)');
        await layout.click();
        await page.getByRole('option', { name: 'German', exact: true }).click();
        await expect(layout).toHaveText('German');
        await focusTerminal();
        await page.keyboard.type('setxkbmap -query > ~/layout.txt\n', {
          delay: 20,
        });
        await expect
          .poll(() => api.read(name, 'layout.txt'), { timeout: 15_000 })
          .toMatch(/^layout:\s+de$/m);
        // Characters still arrive as typed: noVNC sends what the browser's
        // layout made of each key, and Xvnc finds it on the German one.
        await typeAsKeyboard(page, "printf %s 'zy€ä' > ~/typed-de.txt\n");
        await expect
          .poll(() => api.read(name, 'typed-de.txt'), { timeout: 15_000 })
          .toBe('zy€ä');

        // The browser's clipboard reaches the desktop's with Ctrl+V.
        const toDesktop = `from-browser-${name}`;
        await page.evaluate(t => navigator.clipboard.writeText(t), toDesktop);
        await focusTerminal();
        await page.keyboard.press('Control+V');
        // Ctrl+V itself reaches the shell, which inserts the next key as it
        // is: a space, harmless before the command.
        await page.keyboard.type(
          ' xclip -o -selection clipboard > ~/pasted.txt\n',
          { delay: 20 },
        );
        await expect
          .poll(() => api.read(name, 'pasted.txt'), { timeout: 15_000 })
          .toBe(toDesktop);

        // What the desktop copies lands in the browser's clipboard.
        const fromDesktop = `from-desktop-${name}`;
        await page.keyboard.type(
          `printf %s ${fromDesktop} | xclip -selection clipboard\n`,
          { delay: 20 },
        );
        await expect
          .poll(() => page.evaluate(() => navigator.clipboard.readText()), {
            timeout: 15_000,
          })
          .toBe(fromDesktop);
        await page.keyboard.type(
          'clear; cat ~/typed.txt; echo; cat ~/layout.txt; echo; xclip -o -selection clipboard; echo\n',
          {
            delay: 10,
          },
        );
        await page.waitForTimeout(1000);
        await page.screenshot({ path: `${SHOTS}/keyboard-${size}.png` });

        // The choice is remembered for the person and set again on connect.
        await page.reload();
        await expect(page.getByTestId('desktop-console-status')).toHaveText(
          /Connected/,
          { timeout: 30_000 },
        );
        await page.getByRole('button', { name: 'Keys', exact: true }).click();
        await expect(
          page.getByRole('button', { name: 'Keyboard layout' }),
        ).toHaveText('German');
      } finally {
        await api.remove(name);
      }
    });
  });
}
