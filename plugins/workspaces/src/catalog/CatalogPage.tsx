import type { ReactNode } from 'react';
import { Content, ContentHeader, CreateButton, SupportButton } from '@backstage/core-components';
import { CatalogTable } from '@backstage/plugin-catalog';
import { CatalogFilterLayout, EntityListProvider, type EntityListPagination } from '@backstage/plugin-catalog-react';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { workspaceCatalogColumns } from './workspaceColumns';

/** The catalog index with the suite's columns; filters come from the catalog's filter extensions. */
export function CatalogPage(props: { filters: ReactNode; pagination: EntityListPagination; createHref?: string }) {
  const orgName = useApi(configApiRef).getOptionalString('organization.name') ?? 'Backstage';
  return (
    <EntityListProvider pagination={props.pagination}>
      <Content>
        <ContentHeader title={`${orgName} Catalog`}>
          {props.createHref && <CreateButton title="Create" to={props.createHref} />}
          <SupportButton>All your software catalog entities, desktops included.</SupportButton>
        </ContentHeader>
        <CatalogFilterLayout>
          <CatalogFilterLayout.Filters>{props.filters}</CatalogFilterLayout.Filters>
          <CatalogFilterLayout.Content>
            <CatalogTable columns={workspaceCatalogColumns} />
          </CatalogFilterLayout.Content>
        </CatalogFilterLayout>
      </Content>
    </EntityListProvider>
  );
}
