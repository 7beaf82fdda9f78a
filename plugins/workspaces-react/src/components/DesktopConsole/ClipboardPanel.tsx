import { type MutableRefObject, useState } from 'react';
import { Button, TextField, Typography, makeStyles } from '@material-ui/core';
import type RFB from '@novnc/novnc';
import { keysymsFor } from './keysyms';

const useStyles = makeStyles(theme => ({
  section: { marginBottom: theme.spacing(2) },
}));

/** What the desktop copied, and text to paste or type into it. */
export function ClipboardPanel(props: {
  rfb: MutableRefObject<RFB | undefined>;
  remoteText: string;
  connected: boolean;
  viewOnly: boolean;
}) {
  const { rfb, remoteText, connected, viewOnly } = props;
  const classes = useStyles();
  const [localText, setLocalText] = useState('');
  const typeText = () => {
    for (const keysym of keysymsFor(localText))
      rfb.current?.sendKey(keysym, null);
  };

  return (
    <>
      <Typography variant="subtitle2" component="h2" gutterBottom>
        Clipboard
      </Typography>
      <div className={classes.section}>
        <TextField
          id="desktop-clipboard-remote-text"
          label="Desktop clipboard"
          value={remoteText}
          multiline
          minRows={2}
          maxRows={6}
          fullWidth
          InputProps={{ readOnly: true }}
          inputProps={{ 'data-testid': 'desktop-clipboard-remote' }}
        />
        <Button
          size="small"
          onClick={() => navigator.clipboard?.writeText(remoteText)}
          disabled={!remoteText}
        >
          Copy
        </Button>
      </div>
      <div>
        <TextField
          id="desktop-clipboard-local-text"
          label="Text for the desktop"
          value={localText}
          onChange={e => setLocalText(e.target.value)}
          multiline
          minRows={2}
          maxRows={6}
          fullWidth
          inputProps={{ 'data-testid': 'desktop-clipboard-local' }}
        />
        <Button
          size="small"
          disabled={!connected || !localText}
          onClick={() => rfb.current?.clipboardPasteFrom(localText)}
        >
          Paste to desktop
        </Button>
        <Button
          size="small"
          disabled={!connected || !localText || viewOnly}
          onClick={typeText}
        >
          Type into desktop
        </Button>
      </div>
    </>
  );
}
