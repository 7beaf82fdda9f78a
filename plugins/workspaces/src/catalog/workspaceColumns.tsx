import type { TableColumn } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
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
import { OS_TITLES } from '../components/fields/offer';

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
  // OS and size under the flavor, in one column: nine columns do not fit a
  // 1366 px wide screen, and the Actions column was the one cut off.
  {
    title: 'Desktop',
    field: 'entity.spec.flavor',
    render: row => {
      const spec = specOf(row);
      const os = OS_TITLES[spec.type === 'windows' ? 'windows' : 'linux'];
      return (
        <>
          <Typography variant="body2">{spec.flavor}</Typography>
          <Typography variant="caption" color="textSecondary">
            {spec.size ? `${os} · ${spec.size}` : os}
          </Typography>
        </>
      );
    },
  },
  specColumn('Cluster', 'cluster'),
  {
    title: 'Expires',
    field: 'entity.spec.expiresAt',
    // ISO timestamps sort as strings; the cell says it in words, with the
    // local date on hover.
    render: row => {
      const at = specOf(row).expiresAt;
      return (
        <span
          title={at ? new Date(at).toLocaleString() : undefined}
          style={{ whiteSpace: 'nowrap' }}
        >
          {expiresIn(at)}
        </span>
      );
    },
  },
];

/**
 * Catalog table columns: for Workspaces, what people pick a desktop by
 * (flavor with its OS and size, cluster, expiry); for every other kind, the catalog's own.
 * @public
 */
export const workspaceCatalogColumns: CatalogTableColumnsFunc = context =>
  context.filters.kind?.value?.toLocaleLowerCase('en-US') ===
  WORKSPACE_KIND.toLocaleLowerCase('en-US')
    ? workspaceColumns
    : CatalogTable.defaultColumnsFunc(context);
