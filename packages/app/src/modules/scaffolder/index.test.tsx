import { screen, waitFor } from '@testing-library/react';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import { scaffolderModule } from './index';

jest.setTimeout(30_000);

// The scaffolder plugin as the app installs it, with this module.
function renderOrderPage(ownershipEntityRefs: string[]) {
  return renderTestApp({
    features: [scaffolderPlugin, scaffolderModule],
    initialRouteEntries: ['/create'],
    config: {
      desktopMania: { permissions: { admins: ['group:default/Admins'] } },
    },
    apis: [
      mockApis.identity({
        userEntityRef: ownershipEntityRefs[0],
        ownershipEntityRefs,
      }),
    ],
  });
}

const tab = (name: string) => screen.queryByRole('tab', { name });
const TOOLS = ['Template Editor', 'Actions', 'Templating Extensions'];

describe('the order page', () => {
  it('shows people who order desktops the templates and their tasks only', async () => {
    renderOrderPage(['user:default/guest', 'group:default/desktop-users']);
    // The whole plugin renders: on a busy machine that takes a few seconds.
    await waitFor(() => expect(tab('Templates')).toBeInTheDocument(), {
      timeout: 15_000,
    });
    expect(tab('Tasks')).toBeInTheDocument();
    for (const tool of TOOLS) expect(tab(tool)).not.toBeInTheDocument();
  });

  it('shows admins the template tools as well', async () => {
    renderOrderPage(['user:default/root', 'group:default/admins']);
    await waitFor(() => expect(tab('Templates')).toBeInTheDocument(), {
      timeout: 15_000,
    });
    for (const tool of TOOLS) expect(tab(tool)).toBeInTheDocument();
  });
});
