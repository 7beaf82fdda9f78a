import {
  Box,
  Button,
  ButtonGroup,
  Typography,
  makeStyles,
} from '@material-ui/core';
import type {
  ConsoleDisplay,
  ConsoleDisplayMessage,
} from '@desktop-mania/plugin-workspaces-common';

const useStyles = makeStyles(theme => ({
  notice: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 1.5),
    marginBottom: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    background: theme.palette.warning.light,
    color: theme.palette.getContrastText(theme.palette.warning.light),
  },
}));

const LABELS: Record<ConsoleDisplay, { label: string; tip: string }> = {
  desktop: {
    label: 'Desktop',
    tip: "The desktop's own display: shared with others connected, with clipboard and resizing",
  },
  console: {
    label: 'Console (boot screen)',
    tip: "The machine's console: the boot screen and login, one viewer at a time, no clipboard",
  },
};

/**
 * Which display the Desktop tab shows, where the desktop has two (a VM's
 * own display and its console). Hidden for desktops with one display.
 */
export function DisplaySwitch(props: {
  shown?: ConsoleDisplayMessage;
  chosen: ConsoleDisplay;
  onChoose(display: ConsoleDisplay): void;
}) {
  const displays = props.shown?.displays;
  if (!displays || displays.length < 2) return null;
  return (
    <ButtonGroup
      size="small"
      aria-label="Display"
      data-testid="desktop-console-display-switch"
    >
      {displays.map(display => (
        <Button
          key={display}
          title={LABELS[display].tip}
          variant={props.shown?.display === display ? 'contained' : 'outlined'}
          color={props.shown?.display === display ? 'primary' : 'default'}
          aria-pressed={props.chosen === display}
          onClick={() => props.onChoose(display)}
        >
          {LABELS[display].label}
        </Button>
      ))}
    </ButtonGroup>
  );
}

/** Says that the desktop's own display did not answer and the VM console shows instead. */
export function DisplayFallbackNotice(props: {
  shown?: ConsoleDisplayMessage;
  onRetry(): void;
}) {
  const classes = useStyles();
  if (!props.shown?.fallback) return null;
  return (
    <Box
      className={classes.notice}
      role="status"
      data-testid="desktop-console-display-fallback"
    >
      <Typography variant="body2" title={props.shown.fallback}>
        The desktop's own display is not answering (booting?); showing the VM
        console.
      </Typography>
      <Button size="small" color="inherit" onClick={props.onRetry}>
        Try the desktop again
      </Button>
    </Box>
  );
}
