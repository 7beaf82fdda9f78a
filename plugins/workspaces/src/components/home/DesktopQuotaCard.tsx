import { useEffect, useState } from 'react';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Box, LinearProgress, Typography } from '@material-ui/core';
import type { WorkspaceOrdering } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';

type Owner = WorkspaceOrdering['owners'][number];

/** "2 of 3 desktops used"; the words people read before an order is refused. */
export function quotaText(owner: Pick<Owner, 'held' | 'max'>) {
  return `${owner.held} of ${owner.max} ${
    owner.max === 1 ? 'desktop' : 'desktops'
  } used`;
}

// GET /ordering answers the caller first, then their groups.
function ownerLabel(owner: string, index: number) {
  if (index === 0) return 'You';
  try {
    const ref = parseEntityRef(owner);
    return ref.kind === 'group' ? `Group ${ref.name}` : ref.name;
  } catch {
    return owner;
  }
}

/**
 * How many desktops the person and each of their groups hold of the quota,
 * so that a full quota is seen before an order is refused.
 */
export function DesktopQuotaCard(props: { refreshKey?: unknown }) {
  const api = useApi(workspacesApiRef);
  const [ordering, setOrdering] = useState<WorkspaceOrdering>();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    let current = true;
    api.getOrdering().then(
      next => {
        if (!current) return;
        setOrdering(next);
        setError(undefined);
      },
      e => current && setError(e as Error),
    );
    return () => {
      current = false;
    };
  }, [api, props.refreshKey]);

  let body;
  if (error)
    body = (
      <WarningPanel
        severity="error"
        title={`Could not read your quota: ${error.message}`}
      />
    );
  else if (!ordering) body = <Progress />;
  else
    body = ordering.owners.map((owner, i) => (
      <Box key={owner.owner} mb={2}>
        <Typography variant="subtitle2" component="div">
          {ownerLabel(owner.owner, i)}
        </Typography>
        <Typography variant="body2" component="div">
          {quotaText(owner)}
          {owner.max > 0 && owner.held >= owner.max
            ? ': delete or let one expire to order another'
            : ''}
        </Typography>
        <LinearProgress
          variant="determinate"
          aria-label={`${ownerLabel(owner.owner, i)}: ${quotaText(owner)}`}
          value={
            owner.max > 0 ? Math.min(100, (100 * owner.held) / owner.max) : 100
          }
          color={owner.held >= owner.max ? 'secondary' : 'primary'}
        />
      </Box>
    ));

  return <InfoCard title="Your quota">{body}</InfoCard>;
}
