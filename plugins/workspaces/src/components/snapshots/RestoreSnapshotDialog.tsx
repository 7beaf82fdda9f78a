import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@material-ui/core';
import type { WorkspaceSnapshot } from '@desktop-mania/plugin-workspaces-common';

/** When, the same way wherever it is read: 2026-12-02 10:00 UTC. */
export function snapshotTime(iso: string) {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Asks before a restore, naming what it loses: everything written to the
 * desktop since the snapshot.
 */
export function RestoreSnapshotDialog(props: {
  workspace: string;
  snapshot?: WorkspaceSnapshot;
  onCancel(): void;
  onConfirm(snapshot: WorkspaceSnapshot): void;
}) {
  const { workspace, snapshot, onCancel, onConfirm } = props;
  return (
    <Dialog
      open={!!snapshot}
      onClose={onCancel}
      aria-labelledby="restore-snapshot-title"
    >
      <DialogTitle id="restore-snapshot-title">
        Restore {workspace} to “{snapshot?.name}”?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          The desktop goes back to how it was at{' '}
          {snapshot && snapshotTime(snapshot.createdAt)}. Every change made
          since then (files saved, programs installed, settings) is lost and
          cannot be brought back, unless you take a snapshot of it first.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={() => snapshot && onConfirm(snapshot)}
        >
          Restore and lose later changes
        </Button>
      </DialogActions>
    </Dialog>
  );
}
