import { createApp } from '@backstage/frontend-defaults';
import { workspacesCatalogModule } from '@desktop-mania/plugin-workspaces/alpha';
import { navModule } from './modules/nav';
import { scaffolderModule } from './modules/scaffolder';
import { signInModule } from './modules/signIn';
import { themeModule } from './modules/theme';

export default createApp({
  // Plugins are discovered from package.json; modules are named here.
  features: [
    navModule,
    scaffolderModule,
    signInModule,
    themeModule,
    workspacesCatalogModule,
  ],
});
