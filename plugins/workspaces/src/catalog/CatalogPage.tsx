import type { ReactNode } from 'react';
import {
  Content,
  ContentHeader,
  CreateButton,
  SupportButton,
} from '@backstage/core-components';
import { CatalogTable } from '@backstage/plugin-catalog';
import {
  CatalogFilterLayout,
  EntityListProvider,
  type EntityListPagination,
} from '@backstage/plugin-catalog-react';
import {
  configApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { workspaceCatalogColumns } from './workspaceColumns';

/** The catalog index with the suite's columns; filters come from the catalog's filter extensions. */
export function CatalogPage(props: {
  filters: ReactNode;
  pagination: EntityListPagination;
}) {
  const orgName =
    useApi(configApiRef).getOptionalString('organization.name') ?? 'Backstage';
  const createHref = useRouteRef(
    convertLegacyRouteRef(catalogPlugin.externalRoutes.createComponent),
  )?.();
  return (
    <EntityListProvider pagination={props.pagination}>
      <Content>
        <ContentHeader title={`${orgName} Catalog`}>
          {createHref && <CreateButton title="Create" to={createHref} />}
          <SupportButton>
            All your software catalog entities, desktops included.
          </SupportButton>
        </ContentHeader>
        <CatalogFilterLayout>
          <CatalogFilterLayout.Filters>
            {props.filters}
          </CatalogFilterLayout.Filters>
          <CatalogFilterLayout.Content>
            <CatalogTable columns={workspaceCatalogColumns} />
          </CatalogFilterLayout.Content>
        </CatalogFilterLayout>
      </Content>
    </EntityListProvider>
  );
}
