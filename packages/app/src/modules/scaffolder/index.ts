import { createFrontendModule } from '@backstage/frontend-plugin-api';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import { templateManagementPermission } from '@backstage/plugin-scaffolder-common/alpha';

// The template editor, installed actions and templating extensions are tools
// for people who write templates. Their tabs show only to those the
// permission policy lets manage templates (admins here), so people ordering
// desktops see the templates and their own tasks. The backend still decides
// every request; this only keeps the tabs out of sight.
const forTemplateManagers = {
  permissions: { $contains: templateManagementPermission.name },
};

/** The scaffolder page as people who order desktops see it. */
export const scaffolderModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [
    scaffolderPlugin
      .getExtension('sub-page:scaffolder/editor')
      .override({ if: forTemplateManagers }),
    scaffolderPlugin
      .getExtension('sub-page:scaffolder/actions')
      .override({ if: forTemplateManagers }),
    scaffolderPlugin
      .getExtension('sub-page:scaffolder/templating-extensions')
      .override({ if: forTemplateManagers }),
  ],
});
