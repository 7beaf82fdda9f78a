import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SidebarContent } from './Sidebar';

// The landing page is the workspaces plugin's home page, mounted at `/` by
// `app.extensions` in app-config.yaml.
export const navModule = createFrontendModule({
  pluginId: 'app',
  extensions: [SidebarContent],
});
