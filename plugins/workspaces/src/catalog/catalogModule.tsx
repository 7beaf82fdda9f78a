import {
  coreExtensionData,
  createExtensionInput,
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import CategoryIcon from '@material-ui/icons/Category';
import { z } from 'zod';

/**
 * The catalog's index page in the catalog's own place (`page:catalog`), with
 * columns that suit Workspaces. The catalog's page takes no columns in the
 * new frontend system, so this replaces it and keeps its filters, route and
 * pagination setting.
 */
const catalogPage = PageBlueprint.makeWithOverrides({
  inputs: {
    filters: createExtensionInput([coreExtensionData.reactElement]),
  },
  configSchema: {
    pagination: z.boolean().default(true),
  },
  factory(originalFactory, { inputs, config }) {
    return originalFactory({
      path: '/catalog',
      routeRef: convertLegacyRouteRef(catalogPlugin.routes.catalogIndex),
      title: 'Catalog',
      icon: <CategoryIcon fontSize="inherit" />,
      loader: async () => {
        const { CatalogPage } = await import('./CatalogPage');
        const filters = inputs.filters.map(f =>
          f.get(coreExtensionData.reactElement),
        );
        return (
          <CatalogPage
            filters={<>{filters}</>}
            pagination={config.pagination}
          />
        );
      },
    });
  },
});

/**
 * Shows Workspaces in the catalog with their own columns (OS, flavor, size,
 * cluster, expiry). Install it beside the catalog plugin.
 * @public
 */
export const workspacesCatalogModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [catalogPage],
});
