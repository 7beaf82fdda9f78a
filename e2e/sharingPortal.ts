import path from 'path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import {
  startFakeOidcProvider,
  type FakeOidcProvider,
} from '../packages/backend/src/auth/__testUtils__/fakeOidcProvider';
import { DESKTOPS } from './desktopsDir';
import { startExtraPortal } from './extraPortal';

/** The portal of e2e/app-config.e2e-sharing.yaml. */
export const SHARING_URL = 'http://localhost:7019';

/** The two people of examples/org.yaml, as the identity provider knows them. */
export const OWNER = { ref: 'user:default/guest', email: 'guest@example.com' };
export const TEAMMATE = {
  ref: 'user:default/teammate',
  email: 'teammate@example.com',
};

const ROOT = path.resolve(__dirname, '..');
const LOG = path.join(ROOT, 'test-results/e2e/sharing-portal.log');

/** The identity provider and the portal that signs people in through it. */
export interface SharingPortal {
  idp: FakeOidcProvider;
  /** Whom the identity provider signs in next, by email. */
  signingIn: string;
  stop(): Promise<void>;
}

/**
 * Starts the identity provider in this process, then the portal with
 * e2e/app-config.e2e-sharing.yaml on top of the main one's, which signs
 * people in through it.
 */
export async function startSharingPortal(
  timeoutMs: number,
): Promise<SharingPortal> {
  // The app asks the provider without naming anyone, and a route cannot
  // add a login_hint to the redirect that reaches it, so the provider signs
  // in whoever the test names next (see signInThroughOidc).
  const portal = { signingIn: TEAMMATE.email } as SharingPortal;
  const idp = await startFakeOidcProvider({
    autoApprove: hint => {
      const email = hint ?? portal.signingIn;
      return { sub: email, email, name: email.split('@')[0] };
    },
  });
  try {
    const { stop } = await startExtraPortal({
      name: 'sharing',
      url: SHARING_URL,
      configs: ['e2e/app-config.e2e.yaml', 'e2e/app-config.e2e-sharing.yaml'],
      desktopsDir: `${DESKTOPS}-sharing`,
      log: LOG,
      timeoutMs,
      env: {
        E2E_OIDC_METADATA_URL: idp.metadataUrl,
        E2E_OIDC_CLIENT_SECRET: idp.clientSecret,
      },
    });
    return Object.assign(portal, {
      idp,
      stop: async () => {
        await stop();
        await idp.stop();
      },
    });
  } catch (error) {
    await idp.stop();
    throw error;
  }
}

/**
 * A browser of its own for one person, signed in through the portal's OIDC
 * popup, which the provider approves at once. One sign-in at a time: the
 * provider signs in whoever was named last.
 */
export async function signInThroughOidc(
  browser: Browser,
  portal: SharingPortal,
  email: string,
): Promise<{ context: BrowserContext; page: Page }> {
  portal.signingIn = email;
  const context = await browser.newContext({ baseURL: SHARING_URL });
  const page = await context.newPage();
  await page.goto('/');
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const window = await popup;
  if (!window.isClosed()) await window.waitForEvent('close');
  await page.getByRole('heading', { name: 'Your desktops' }).waitFor();
  return { context, page };
}

/** A Backstage token of the person signed in on `page`, from the OIDC refresh. */
export async function oidcToken(page: Page): Promise<string> {
  const response = await page.request.get(
    '/api/auth/oidc/refresh?optional&scope=openid%20profile%20email&env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  if (!response.ok()) {
    throw new Error(`OIDC refresh answered ${response.status()}`);
  }
  return (await response.json()).backstageIdentity.token;
}
