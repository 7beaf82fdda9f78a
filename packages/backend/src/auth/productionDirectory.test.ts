import fs from 'fs';
import path from 'path';
import type { Config } from '@backstage/config';
import {
  DEPLOY_DIR,
  REPO_ROOT,
  checkoutPathOf,
  loadProductionConfig,
} from './__testUtils__/productionConfig';

const allowed = (rules: Config[] | undefined) =>
  (rules ?? []).flatMap(r => r.getStringArray('allow'));

describe('the production directory', () => {
  let config: Config;

  beforeAll(async () => {
    config = await loadProductionConfig({
      OIDC_METADATA_URL:
        'https://sso.example.com/.well-known/openid-configuration',
      OIDC_CLIENT_ID: 'desktop-mania',
      OIDC_CLIENT_SECRET: 'unused',
    });
  });

  it('lets only the org file bring Users and Groups into the catalog', () => {
    expect(allowed(config.getOptionalConfigArray('catalog.rules'))).toEqual(
      expect.not.arrayContaining(['User']),
    );
    expect(allowed(config.getOptionalConfigArray('catalog.rules'))).toEqual(
      expect.not.arrayContaining(['Group']),
    );

    const directories = config
      .getConfigArray('catalog.locations')
      .filter(l =>
        allowed(l.getOptionalConfigArray('rules')).some(
          kind => kind === 'User' || kind === 'Group',
        ),
      )
      .map(l => ({
        type: l.getString('type'),
        target: l.getString('target'),
        allow: allowed(l.getOptionalConfigArray('rules')).sort(),
      }));
    expect(directories).toEqual([
      { type: 'file', target: '/config/org.yaml', allow: ['Group', 'User'] },
    ]);
    expect(fs.existsSync(checkoutPathOf('/config/org.yaml'))).toBe(true);
  });

  it('ships the org file in the ConfigMap the Deployment mounts at /config', () => {
    const read = (file: string) =>
      fs.readFileSync(path.join(DEPLOY_DIR, file), 'utf8');
    const generator = read('kustomization.yaml')
      .split(/^\s*- name: /m)
      .find(entry => entry.startsWith('backstage-app-config\n'));
    expect(generator).toMatch(/^\s+files:\n(\s+- \S+\n)*\s+- org\.yaml\n/m);

    const deployment = read('deployment.yaml');
    expect(deployment).toMatch(
      /- name: config\n\s+configMap:\n\s+name: backstage-app-config\n/,
    );
    expect(deployment).toMatch(/- name: config\n\s+mountPath: \/config\n/);
  });

  it("leaves OIDC sign-in to the directory's resolver", () => {
    expect(config.has('auth.providers.oidc.production.signIn')).toBe(false);

    // The stock OIDC module registers the same provider id; the backend
    // must add this package's module instead of it.
    const index = fs.readFileSync(
      path.join(REPO_ROOT, 'packages/backend/src/index.ts'),
      'utf8',
    );
    expect(index).toContain('backend.add(authModuleOidcDirectory);');
    expect(index).not.toContain(
      "import('@backstage/plugin-auth-backend-module-oidc-provider')",
    );
  });
});
