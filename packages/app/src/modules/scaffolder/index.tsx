import {
  coreExtensionData,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import { ForAdmins } from './ForAdmins';

// The template editor, installed actions and templating extensions are tools
// for people who write templates, which the permission policy lets admins
// alone do. Their tabs show only to admins, so people ordering desktops see
// the templates and their own tasks. The backend still decides every
// request; this only keeps the tabs out of sight.
//
// This is decided when the order page renders, from who is signed in, as
// the sidebar decides its developer tools. An `if: { permissions }` on the
// sub-pages would do it with the permission policy instead, but the app then
// asks the backend before it draws any page at all.
const TEMPLATE_TOOLS = [
  'sub-page:scaffolder/editor',
  'sub-page:scaffolder/actions',
  'sub-page:scaffolder/templating-extensions',
];

const scaffolderPage = scaffolderPlugin
  .getExtension('page:scaffolder')
  .override({
    factory(originalFactory, { inputs }) {
      const withTools = originalFactory();
      const withoutTools = originalFactory({
        inputs: {
          ...inputs,
          pages: inputs.pages.filter(
            page => !TEMPLATE_TOOLS.includes(page.node.spec.id),
          ),
        },
      });
      const element = coreExtensionData.reactElement;
      return [
        ...[...withTools].filter(output => output.id !== element.id),
        element(
          <ForAdmins
            admins={withTools.get(element)}
            others={withoutTools.get(element)}
          />,
        ),
      ];
    },
  });

/** The scaffolder page as people who order desktops see it. */
export const scaffolderModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [scaffolderPage],
});
