import type { TableColumn } from '@backstage/core-components';
import {
  CatalogTable,
  type CatalogTableColumnsFunc,
  type CatalogTableRow,
} from '@backstage/plugin-catalog';
import {
  WORKSPACE_KIND,
  type WorkspaceEntityV1alpha1,
} from '@desktop-mania/plugin-workspaces-common';
import { expiresIn } from '../components/expiry';
import { createWorkspaceStatusColumn } from './WorkspaceStatusColumn';

const specOf = (row: CatalogTableRow) =>
  (row.entity as WorkspaceEntityV1alpha1).spec ?? {};

function specColumn(
  title: string,
  field: keyof WorkspaceEntityV1alpha1['spec'],
): TableColumn<CatalogTableRow> {
  return {
    title,
    field: `entity.spec.${field}`,
    render: row => String(specOf(row)[field] ?? ''),
  };
}

const workspaceColumns: TableColumn<CatalogTableRow>[] = [
  CatalogTable.columns.createNameColumn({ defaultKind: WORKSPACE_KIND }),
  CatalogTable.columns.createOwnerColumn(),
  createWorkspaceStatusColumn(),
  {
    ...specColumn('OS', 'type'),
    render: row => (specOf(row).type === 'windows' ? 'Windows' : 'Linux'),
  },
  specColumn('Flavor', 'flavor'),
  specColumn('Size', 'size'),
  specColumn('Cluster', 'cluster'),
  {
    title: 'Expires',
    field: 'entity.spec.expiresAt',
    // ISO timestamps sort as strings; the cell says it in words, with the
    // local date on hover.
    render: row => {
      const at = specOf(row).expiresAt;
      return (
        <span title={at ? new Date(at).toLocaleString() : undefined}>
          {expiresIn(at)}
        </span>
      );
    },
  },
];

/**
 * Catalog table columns: for Workspaces, what people pick a desktop by (OS,
 * flavor, size, cluster, expiry); for every other kind, the catalog's own.
 * @public
 */
export const workspaceCatalogColumns: CatalogTableColumnsFunc = context =>
  context.filters.kind?.value?.toLocaleLowerCase('en-US') ===
  WORKSPACE_KIND.toLocaleLowerCase('en-US')
    ? workspaceColumns
    : CatalogTable.defaultColumnsFunc(context);
