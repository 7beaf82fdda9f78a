import type { MutableRefObject } from 'react';
import { Button, Typography, makeStyles } from '@material-ui/core';
import type RFB from '@novnc/novnc';
import { KEYSYM } from './keysyms';

const useStyles = makeStyles(theme => ({
  keys: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) },
}));

const COMBOS: Array<{ label: string; keys: number[] }> = [
  { label: 'Alt+Tab', keys: [KEYSYM.Alt_L, KEYSYM.Tab] },
  { label: 'Ctrl+Alt+F1', keys: [KEYSYM.Control_L, KEYSYM.Alt_L, KEYSYM.F1] },
  {
    label: 'Ctrl+Alt+F7',
    keys: [KEYSYM.Control_L, KEYSYM.Alt_L, KEYSYM.F1 + 6],
  },
  { label: 'Windows key', keys: [KEYSYM.Super_L] },
  { label: 'Escape', keys: [KEYSYM.Escape] },
];

/** Keys the browser keeps for itself, sent to the desktop on request. */
export function KeysPanel(props: {
  rfb: MutableRefObject<RFB | undefined>;
  disabled: boolean;
}) {
  const { rfb, disabled } = props;
  const classes = useStyles();
  const sendCombo = (keys: number[]) => {
    keys.forEach(k => rfb.current?.sendKey(k, null, true));
    [...keys].reverse().forEach(k => rfb.current?.sendKey(k, null, false));
  };

  return (
    <>
      <Typography variant="subtitle2" component="h2" gutterBottom>
        Keys
      </Typography>
      <div className={classes.keys}>
        <Button
          size="small"
          variant="outlined"
          disabled={disabled}
          onClick={() => rfb.current?.sendCtrlAltDel()}
        >
          Send Ctrl+Alt+Del
        </Button>
        {COMBOS.map(c => (
          <Button
            key={c.label}
            size="small"
            variant="outlined"
            disabled={disabled}
            onClick={() => sendCombo(c.keys)}
          >
            {c.label}
          </Button>
        ))}
      </div>
    </>
  );
}
