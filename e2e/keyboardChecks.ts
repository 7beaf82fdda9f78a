import { expect, type Page } from '@playwright/test';

/**
 * A Backstage token of the signed-in guest, from the guest provider's
 * refresh, for calling the workspaces API as that person.
 */
export async function guestToken(page: Page): Promise<string> {
  const response = await page.request.get('/api/auth/guest/refresh');
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

/** The workspaces API as the guest. */
export function workspacesApi(page: Page, token: string) {
  const headers = { Authorization: `Bearer ${token}` };
  const base = '/api/workspaces/workspaces';
  return {
    order: (name: string) =>
      page.request.post(base, {
        headers,
        data: { name, image: 'debian-desktop', size: 'small', diskGi: 20 },
      }),
    get: (name: string) => page.request.get(`${base}/${name}`, { headers }),
    remove: (name: string) =>
      page.request.delete(`${base}/${name}`, { headers }),
    /** A file of the desktop's home as text, or undefined while it is missing. */
    async read(name: string, file: string): Promise<string | undefined> {
      const response = await page.request.get(
        `${base}/${name}/files/content?path=${encodeURIComponent(file)}`,
        { headers },
      );
      return response.ok() ? response.text() : undefined;
    },
  };
}

/**
 * Types `text` as a keyboard with each character on a key of its own would:
 * a keydown and keyup carrying the character, which noVNC turns into the
 * character's keysym. Playwright's keyboard.type only does that for keys of
 * a US keyboard and inserts anything else as text, which no key event
 * carries and the desktop would never see.
 */
export async function typeAsKeyboard(page: Page, text: string) {
  const cdp = await page.context().newCDPSession(page);
  try {
    for (const char of text) {
      if (/^[\x20-\x7e\n]$/.test(char)) {
        await page.keyboard.type(char);
      } else {
        for (const type of ['keyDown', 'keyUp'] as const) {
          await cdp.send('Input.dispatchKeyEvent', {
            type,
            key: char,
            ...(type === 'keyDown' ? { text: char, unmodifiedText: char } : {}),
          });
        }
      }
      // xterm reads keys at its own pace; a loaded machine drops none.
      await page.waitForTimeout(20);
    }
  } finally {
    await cdp.detach();
  }
}
