import { createApp } from '@backstage/frontend-defaults';
import { workspacesCatalogModule } from '@desktop-mania/plugin-workspaces/alpha';
import { navModule } from './modules/nav';

export default createApp({
  // Plugins are discovered from package.json; modules are named here.
  features: [navModule, workspacesCatalogModule],
});
