import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Menu, MenuItem, Tooltip } from '@material-ui/core';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { EXTENSIONS, extensionBlockedBy } from './expiry';

/**
 * The Extend button and its menu of extensions. Those past the longest
 * lifetime stay listed, disabled, saying why; the longest lifetime is
 * asked of the backend when the menu first opens.
 */
export function ExtendMenu(props: {
  workspace: Workspace;
  reason?: string;
  busy: boolean;
  size?: 'small' | 'medium';
  onExtend(hours: number): void;
}) {
  const api = useApi(workspacesApiRef);
  const [anchor, setAnchor] = useState<HTMLElement>();
  const [maxHours, setMaxHours] = useState<number | null>();
  const open = (target: HTMLElement) => {
    setAnchor(target);
    if (maxHours === undefined) {
      api.getFlavors().then(
        f => setMaxHours(f.limits.lifetimeHours.max),
        // The backend still refuses what goes too far.
        () => setMaxHours(null),
      );
    }
  };
  return (
    <>
      <Tooltip title={props.reason ?? ''}>
        <span>
          <Button
            size={props.size ?? 'small'}
            variant="contained"
            color="primary"
            disabled={!!props.reason}
            aria-haspopup="true"
            onClick={e => open(e.currentTarget)}
            style={{ marginRight: 8 }}
          >
            {props.busy ? 'Extend…' : 'Extend'}
          </Button>
        </span>
      </Tooltip>
      <Menu
        anchorEl={anchor}
        open={!!anchor}
        onClose={() => setAnchor(undefined)}
      >
        {EXTENSIONS.map(({ label, hours }) => {
          const blocked =
            maxHours === undefined
              ? 'Checking how long desktops may live…'
              : maxHours !== null &&
                extensionBlockedBy(props.workspace, hours, maxHours);
          return (
            <Tooltip key={label} title={blocked || ''} placement="left">
              <span>
                <MenuItem
                  disabled={!!blocked}
                  onClick={() => {
                    setAnchor(undefined);
                    props.onExtend(hours);
                  }}
                >
                  {label}
                </MenuItem>
              </span>
            </Tooltip>
          );
        })}
      </Menu>
    </>
  );
}
