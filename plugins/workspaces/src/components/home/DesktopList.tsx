import { Link } from '@backstage/core-components';
import { DEFAULT_NAMESPACE, parseEntityRef } from '@backstage/catalog-model';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Box,
  Button,
  List,
  ListItem,
  ListItemText,
  makeStyles,
  Typography,
} from '@material-ui/core';
import {
  WORKSPACE_KIND,
  workspacePhaseGroup,
  type Workspace,
} from '@desktop-mania/plugin-workspaces-common';
import { WorkspaceStatusBadge } from '@desktop-mania/plugin-workspaces-react';
import { DESKTOP_TAB_PATH } from '../../routes';
import { expiresIn } from '../expiry';
import { StartDesktopButton } from './StartDesktopButton';

const useStyles = makeStyles(theme => ({
  item: { flexWrap: 'wrap', gap: theme.spacing(2) },
  text: { flex: '1 1 220px' },
  status: { flex: '0 0 130px' },
  expiry: { flex: '0 0 150px' },
  actions: { display: 'flex', gap: theme.spacing(1) },
}));

/** The expiry as a sentence: "Expires in 4 h", "Never expires". */
export function expiryWords(expiresAt: string | undefined, now?: number) {
  const words = expiresIn(expiresAt, now);
  if (words === 'never') return 'Never expires';
  if (words === 'expired') return 'Expired';
  return words.startsWith('in ') ? `Expires ${words}` : words;
}

function describe(w: Workspace) {
  const parts = [w.os === 'windows' ? 'Windows' : 'Linux', w.image, w.size];
  try {
    const owner = parseEntityRef(w.owner);
    if (owner.kind === 'group') parts.push(`shared with group ${owner.name}`);
  } catch {
    // An owner that is not a ref is shown nowhere rather than wrongly.
  }
  return parts.join(' · ');
}

/** The person's desktops, each with its status, expiry, Open and Start. */
export function DesktopList(props: {
  workspaces: Workspace[];
  onChanged(workspace: Workspace): void;
}) {
  const classes = useStyles();
  const entityLink = useEntityRefLink();
  const entityHref = (w: Workspace) =>
    entityLink({
      kind: WORKSPACE_KIND,
      namespace: DEFAULT_NAMESPACE,
      name: w.name,
    });

  return (
    <List disablePadding>
      {props.workspaces.map(w => (
        <ListItem
          key={w.name}
          divider
          className={classes.item}
          data-testid={`desktop-${w.name}`}
        >
          <ListItemText
            className={classes.text}
            primary={<Link to={entityHref(w)}>{w.name}</Link>}
            secondary={describe(w)}
          />
          <Box className={classes.status}>
            <WorkspaceStatusBadge status={w.status} />
          </Box>
          <Typography
            variant="body2"
            className={classes.expiry}
            title={
              w.expiresAt ? new Date(w.expiresAt).toLocaleString() : undefined
            }
          >
            {expiryWords(w.expiresAt)}
          </Typography>
          <Box className={classes.actions}>
            {workspacePhaseGroup(w.status.phase) === 'stopped' && (
              <StartDesktopButton workspace={w} onStarted={props.onChanged} />
            )}
            {/* Only a running desktop has a screen to open; a disabled link
                would be read out as a link that goes nowhere. */}
            {w.status.phase === 'Running' && (
              <Button
                size="small"
                variant="outlined"
                color="primary"
                component={Link as any}
                to={`${entityHref(w)}/${DESKTOP_TAB_PATH}`}
              >
                Open
              </Button>
            )}
          </Box>
        </ListItem>
      ))}
    </List>
  );
}
