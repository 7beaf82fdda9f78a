import { useCallback, useEffect, useState } from 'react';
import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Link,
  LinkButton,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { DEFAULT_NAMESPACE } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { Button } from '@material-ui/core';
import {
  WORKSPACE_KIND,
  workspacePhaseGroup,
  type Workspace,
} from '@desktop-mania/plugin-workspaces-common';
import {
  workspacesApiRef,
  WorkspaceStatusBadge,
} from '@desktop-mania/plugin-workspaces-react';
import { createDesktopRouteRef, DESKTOP_TAB_PATH } from '../routes';
import { expiresIn } from './expiry';
import { WorkspaceActions } from './WorkspaceActions';

/** Hidden when the app has no route to order from. */
function OrderDesktopButton() {
  const createDesktop = useRouteRef(createDesktopRouteRef);
  if (!createDesktop) return null;
  return (
    // LinkButton, not a Button rendering a Link: the Link's own text colour
    // is the primary blue, which made the label vanish on the blue button.
    <LinkButton variant="contained" color="primary" to={createDesktop()}>
      Order a desktop
    </LinkButton>
  );
}

/**
 * The signed-in person's desktops and their groups'.
 *
 * @public
 */
export function MyWorkspacesPage() {
  const api = useApi(workspacesApiRef);
  const identityApi = useApi(identityApiRef);
  const [workspaces, setWorkspaces] = useState<Workspace[]>();
  const [error, setError] = useState<Error>();
  const entityLink = useEntityRefLink();
  const entityHref = (w: Workspace) =>
    entityLink({
      kind: WORKSPACE_KIND,
      namespace: DEFAULT_NAMESPACE,
      name: w.name,
    });

  const load = useCallback(async () => {
    try {
      const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
      setWorkspaces(await api.listWorkspaces({ owner: ownershipEntityRefs }));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, identityApi]);

  useEffect(() => {
    load();
  }, [load]);

  // Poll while any desktop is changing state.
  useEffect(() => {
    if (
      !workspaces?.some(
        w => workspacePhaseGroup(w.status.phase) === 'transitional',
      )
    )
      return undefined;
    const t = setTimeout(load, 2000);
    return () => clearTimeout(t);
  }, [workspaces, load]);

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
        description="Order a Linux or Windows desktop from a Software Template."
        action={<OrderDesktopButton />}
      />
    );
  else
    body = (
      <Table<Workspace>
        title="Desktops"
        options={{ paging: false, search: true }}
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
