import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { DEFAULT_NAMESPACE } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { Button } from '@material-ui/core';
import {
  WORKSPACE_KIND,
  type Workspace,
} from '@desktop-mania/plugin-workspaces-common';
import { WorkspaceStatusBadge } from '@desktop-mania/plugin-workspaces-react';
import { DESKTOP_TAB_PATH } from '../routes';
import { expiresIn } from './expiry';
import { OrderDesktopButton } from './home/OrderDesktopButton';
import { OrderSentence } from './home/offeredSystems';
import { useMyDesktops } from './home/useMyDesktops';
import { WorkspaceActions } from './WorkspaceActions';

/**
 * The signed-in person's desktops and their groups'.
 *
 * @public
 */
export function MyWorkspacesPage() {
  const { workspaces, error, reload: load } = useMyDesktops();
  const entityLink = useEntityRefLink();
  const entityHref = (w: Workspace) =>
    entityLink({
      kind: WORKSPACE_KIND,
      namespace: DEFAULT_NAMESPACE,
      name: w.name,
    });

  const columns: TableColumn<Workspace>[] = [
    {
      title: 'Name',
      field: 'name',
      render: w => <Link to={entityHref(w)}>{w.name}</Link>,
    },
    {
      title: 'Status',
      render: w => <WorkspaceStatusBadge status={w.status} />,
    },
    { title: 'OS', field: 'os' },
    { title: 'Image', field: 'image' },
    { title: 'Size', field: 'size' },
    { title: 'Owner', field: 'owner' },
    { title: 'Cluster', field: 'cluster' },
    {
      title: 'Expires',
      render: w => (
        <span
          title={
            w.expiresAt ? new Date(w.expiresAt).toLocaleString() : undefined
          }
        >
          {expiresIn(w.expiresAt)}
        </span>
      ),
    },
    {
      title: 'Actions',
      render: w => (
        <>
          <Button
            size="small"
            component={Link as any}
            to={`${entityHref(w)}/${DESKTOP_TAB_PATH}`}
            disabled={w.status.phase !== 'Running'}
          >
            Open
          </Button>
          <WorkspaceActions workspace={w} onChanged={() => load()} />
        </>
      ),
    },
  ];

  let body;
  if (error)
    body = (
      <ResponseErrorPanel error={error} title="Could not list your desktops" />
    );
  else if (!workspaces) body = <Progress />;
  else if (workspaces.length === 0)
    body = (
      <EmptyState
        missing="data"
        title="You have no desktops yet"
        description={<OrderSentence ending=" from a Software Template." />}
        action={<OrderDesktopButton />}
      />
    );
  else
    body = (
      <Table<Workspace>
        title="Desktops"
        // Draggable headers nest the sort button in another button (axe:
        // nested-interactive).
        options={{ paging: false, search: true, draggable: false }}
        columns={columns}
        data={workspaces}
      />
    );

  return (
    <Page themeId="tool">
      <Header
        title="My workspaces"
        subtitle="Desktops you and your groups own"
      />
      <Content>
        <ContentHeader title="">
          <OrderDesktopButton />
        </ContentHeader>
        {body}
      </Content>
    </Page>
  );
}
