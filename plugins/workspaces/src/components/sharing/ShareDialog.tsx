import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormLabel,
  ListSubheader,
  MenuItem,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@material-ui/core';
import type {
  ShareMode,
  WorkspaceShare,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { entityName } from '../fields/owners';
import {
  reasonOf,
  SHARE_DURATIONS,
  shareExpiry,
  type ShareDuration,
} from './shareTerms';

interface Candidate {
  ref: string;
  kind: 'user' | 'group';
  label: string;
}

/** The catalog's people and groups, the desktop's owner left out. */
function useCandidates(open: boolean, owner: string) {
  const catalog = useApi(catalogApiRef);
  const [candidates, setCandidates] = useState<Candidate[]>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    if (!open) return;
    catalog
      .getEntities({
        filter: [{ kind: 'user' }, { kind: 'group' }],
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.profile',
        ],
      })
      .then(({ items }) => {
        const found = items
          .map(entity => {
            const ref = stringifyEntityRef(entity);
            const name = entityName(entity);
            return {
              ref,
              kind: entity.kind.toLocaleLowerCase('en-US') as Candidate['kind'],
              label: name ? `${name} (${ref})` : ref,
            };
          })
          .filter(c => c.ref !== owner)
          .sort((a, b) => a.label.localeCompare(b.label));
        setCandidates(found);
        setError(undefined);
      }, setError);
  }, [catalog, open, owner]);
  return { candidates, error };
}

/**
 * Shares a desktop with a person or group: who, whether they may only watch
 * or also type and point, and until when. The backend's refusal shows as
 * one line in the dialog, which stays open to correct the choice.
 */
export function ShareDialog(props: {
  workspace: string;
  owner: string;
  open: boolean;
  onClose(): void;
  onShared(share: WorkspaceShare): void;
}) {
  const api = useApi(workspacesApiRef);
  const { candidates, error: catalogError } = useCandidates(
    props.open,
    props.owner,
  );
  const [grantee, setGrantee] = useState('');
  const [mode, setMode] = useState<ShareMode>('view');
  const [duration, setDuration] = useState<ShareDuration>('8h');
  const [date, setDate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async () => {
    const expiry = shareExpiry(duration, date);
    if ('error' in expiry) {
      setError(expiry.error);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const share = await api.setShare(props.workspace, grantee, {
        mode,
        expiresAt: expiry.expiresAt,
      });
      props.onShared(share);
    } catch (e) {
      setError(`Could not share: ${reasonOf(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const option = (c: Candidate) => (
    <MenuItem key={c.ref} value={c.ref}>
      {c.label}
    </MenuItem>
  );
  const users = candidates?.filter(c => c.kind === 'user') ?? [];
  const groups = candidates?.filter(c => c.kind === 'group') ?? [];

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>Share {props.workspace}</DialogTitle>
      <DialogContent>
        <TextField
          select
          fullWidth
          margin="normal"
          id="share-grantee"
          label="Share with"
          value={grantee}
          onChange={e => setGrantee(e.target.value)}
          helperText={
            catalogError
              ? `Could not list people and groups: ${catalogError.message}`
              : 'A person, or a group: everyone in it'
          }
          error={!!catalogError}
          SelectProps={{
            MenuProps: { 'data-testid': 'share-grantee-menu' } as any,
          }}
          inputProps={{ 'data-testid': 'share-grantee' }}
        >
          {users.length > 0 && <ListSubheader>People</ListSubheader>}
          {users.map(option)}
          {groups.length > 0 && <ListSubheader>Groups</ListSubheader>}
          {groups.map(option)}
        </TextField>
        <FormControl component="fieldset" margin="normal">
          <FormLabel component="legend">They may</FormLabel>
          <RadioGroup
            row
            value={mode}
            onChange={e => setMode(e.target.value as ShareMode)}
          >
            <FormControlLabel
              value="view"
              control={<Radio />}
              label="Watch the screen (view only)"
            />
            <FormControlLabel
              value="control"
              control={<Radio />}
              label="Use it (keyboard and mouse)"
            />
          </RadioGroup>
        </FormControl>
        <TextField
          select
          fullWidth
          margin="normal"
          id="share-duration"
          label="For"
          value={duration}
          onChange={e => setDuration(e.target.value as ShareDuration)}
        >
          {SHARE_DURATIONS.map(d => (
            <MenuItem key={d.value} value={d.value}>
              {d.label}
            </MenuItem>
          ))}
        </TextField>
        {duration === 'date' && (
          <TextField
            fullWidth
            margin="normal"
            type="datetime-local"
            id="share-until"
            label="Until"
            value={date}
            onChange={e => setDate(e.target.value)}
            InputLabelProps={{ shrink: true }}
            inputProps={{ 'data-testid': 'share-until' }}
          />
        )}
        {error && (
          <Typography color="error" variant="body2" role="alert">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!grantee || busy}
          onClick={submit}
        >
          {busy ? 'Sharing…' : 'Share'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
