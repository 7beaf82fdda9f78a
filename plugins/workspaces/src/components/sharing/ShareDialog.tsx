import { type KeyboardEvent, type ReactNode, useEffect, useState } from 'react';
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
  InputAdornment,
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
import SearchIcon from '@material-ui/icons/Search';
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

/**
 * A heading in the list. The Select makes each child an option, with a
 * click that picks its value; this takes none of that, and `disabled` tells
 * the menu to put the keyboard on the first person, not on the heading.
 */
function Heading(props: { children: ReactNode; disabled?: boolean }) {
  return <ListSubheader>{props.children}</ListSubheader>;
}

/**
 * The candidates whose display name or entity ref holds every word typed,
 * in any case: `bob`, `team a` and `group:default/` all narrow the list.
 */
function matchCandidates<T extends { label: string; ref: string }>(
  candidates: T[],
  query: string,
): T[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return candidates;
  return candidates.filter(c => {
    const text = `${c.label} ${c.ref}`.toLocaleLowerCase();
    return words.every(word => text.includes(word));
  });
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
  const [query, setQuery] = useState('');
  const [listOpen, setListOpen] = useState(false);
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
  const matched = matchCandidates(candidates ?? [], query);
  // The chosen one stays listed whatever is typed, so the field can show it.
  const chosen = candidates?.find(c => c.ref === grantee);
  const shown =
    chosen && !matched.includes(chosen) ? [...matched, chosen] : matched;
  const users = shown.filter(c => c.kind === 'user');
  const groups = shown.filter(c => c.kind === 'group');
  const noMatch =
    !!candidates && !!query.trim() && !users.length && !groups.length;
  // From the search field, the arrow keys and Enter go on to the list.
  const toList = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'Enter') return;
    e.preventDefault();
    if (users.length || groups.length) setListOpen(true);
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>Share {props.workspace}</DialogTitle>
      <DialogContent>
        <TextField
          fullWidth
          margin="normal"
          id="share-search"
          type="search"
          label="Find a person or group"
          placeholder="Name or entity ref, e.g. bob or group:default/team-a"
          value={query}
          onChange={e => setQuery(e.target.value)}
          onKeyDown={toList}
          helperText={
            noMatch
              ? `No person or group matches “${query.trim()}”`
              : 'Type to narrow the list below; ↓ opens it'
          }
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
          inputProps={{ 'data-testid': 'share-search' }}
          // A modal dialog takes the focus in (the WAI-ARIA dialog pattern),
          // and searching is where one starts here.
          // eslint-disable-next-line jsx-a11y/no-autofocus
          autoFocus
        />
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
            open: listOpen,
            onOpen: () => setListOpen(true),
            onClose: () => setListOpen(false),
            MenuProps: { 'data-testid': 'share-grantee-menu' } as any,
          }}
          inputProps={{ 'data-testid': 'share-grantee' }}
        >
          {users.length > 0 && <Heading disabled>People</Heading>}
          {users.map(option)}
          {groups.length > 0 && <Heading disabled>Groups</Heading>}
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
