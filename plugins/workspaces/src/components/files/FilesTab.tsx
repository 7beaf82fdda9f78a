import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useWorkspace } from '@desktop-mania/plugin-workspaces-react';
import { FileBrowser } from './FileBrowser';

/**
 * The Files tab of a Workspace entity: its home's folders, with uploads and
 * downloads, where the desktop's provider has a channel to them.
 */
export function FilesTab() {
  const { entity } = useEntity();
  const name = entity.metadata.name;
  const { workspace, error, loading } = useWorkspace(name);

  if (loading) return <Progress />;
  if (error && !workspace) {
    return (
      <ResponseErrorPanel error={error} title="Could not load the desktop" />
    );
  }
  if (!workspace) return null;
  if (workspace.provider === 'kubevirt') {
    return (
      <EmptyState
        missing="info"
        title="File transfer is not available for VM desktops yet"
        description="The portal reaches a VM desktop only through its screen: nothing inside the VM offers it a channel for files. Until one does, move files from inside the desktop, for example with a browser or a network share."
      />
    );
  }
  if (workspace.status.phase !== 'Running') {
    return (
      <EmptyState
        missing="content"
        title={`The desktop is ${workspace.status.phase.toLowerCase()}`}
        description="Start the desktop to transfer files: its home is reachable only while it runs."
      />
    );
  }
  return <FileBrowser name={name} />;
}
