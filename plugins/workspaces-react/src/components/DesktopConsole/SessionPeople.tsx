import { useEffect, useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Avatar, Chip, makeStyles } from '@material-ui/core';
import type { ConsolePresence } from '@desktop-mania/plugin-workspaces-common';

const useStyles = makeStyles(theme => ({
  people: { display: 'flex', gap: theme.spacing(0.5), flexWrap: 'nowrap' },
  viewOnly: { fontWeight: theme.typography.fontWeightMedium as number },
}));

/** The name part of an entity ref, which is how the portal names people. */
export function personName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1).replace(/^[a-z]+:/i, '');
}

/**
 * One entry per person: someone connected twice is one person, shown as
 * controlling if any of their sessions does.
 */
export function people(present: ConsolePresence[]): ConsolePresence[] {
  const byUser = new Map<string, ConsolePresence>();
  for (const p of present) {
    const seen = byUser.get(p.user);
    if (!seen || (seen.mode === 'view' && p.mode === 'control')) {
      byUser.set(p.user, p);
    }
  }
  return [...byUser.values()];
}

/** The signed-in person's ref, to mark them among those present. */
function useMe() {
  const identityApi = useApi(identityApiRef);
  const [me, setMe] = useState<string>();
  useEffect(() => {
    // Marking oneself is a nicety: an identity that cannot say leaves no mark.
    Promise.resolve()
      .then(() => identityApi.getBackstageIdentity())
      .then(
        identity => setMe(identity.userEntityRef),
        () => setMe(undefined),
      );
  }, [identityApi]);
  return me;
}

/** Says plainly that this session only watches, and whose desktop it is. */
export function ViewOnlyChip(props: { owner?: string }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      color="secondary"
      className={classes.viewOnly}
      data-testid="desktop-console-view-only"
      title="You can watch this desktop; your keys and mouse do not reach it"
      label={
        props.owner
          ? `View only — shared by ${personName(props.owner)}`
          : 'View only'
      }
    />
  );
}

/** Who is connected to this desktop right now, each with how. */
export function PresentPeople(props: { present: ConsolePresence[] }) {
  const classes = useStyles();
  const me = useMe();
  const list = people(props.present);
  if (list.length === 0) return null;
  return (
    <div
      className={classes.people}
      data-testid="desktop-console-present"
      aria-label="Connected now"
    >
      {list.map(p => {
        const name = personName(p.user);
        const how = p.mode === 'control' ? 'can type' : 'watching';
        return (
          <Chip
            key={p.user}
            size="small"
            variant="outlined"
            avatar={<Avatar>{name.charAt(0).toLocaleUpperCase()}</Avatar>}
            label={p.user === me ? `${name} (you)` : name}
            title={`${p.user}: ${how}`}
            data-mode={p.mode}
          />
        );
      })}
    </div>
  );
}
