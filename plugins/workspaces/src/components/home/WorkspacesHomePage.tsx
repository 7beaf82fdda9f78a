import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { Grid } from '@material-ui/core';
import { useEffect, useRef, useState } from 'react';
import { DesktopList } from './DesktopList';
import { DesktopQuotaCard } from './DesktopQuotaCard';
import { OrderDesktopButton } from './OrderDesktopButton';
import { SharedWithMe } from './SharedWithMe';
import { useMyDesktops } from './useMyDesktops';
import { systemWords, useOfferedSystems } from './offeredSystems';

/**
 * Changes when the number of desktops changes after the first listing. The
 * quota card reads the quota once on mounting; the first listing arriving
 * changes nothing it shows, so it must not read it a second time.
 */
function useCountChanges(count: number | undefined) {
  const [changes, setChanges] = useState(0);
  const last = useRef(count);
  useEffect(() => {
    if (count === undefined) return;
    if (last.current !== undefined && last.current !== count)
      setChanges(c => c + 1);
    last.current = count;
  }, [count]);
  return changes;
}

/**
 * Where people who use desktops land: their desktops and their groups',
 * what each is doing and when it expires, and how much of the quota is left.
 *
 * @public
 */
export function WorkspacesHomePage() {
  const { workspaces, error, replace } = useMyDesktops();
  const quotaKey = useCountChanges(workspaces?.length);
  // Says only what this portal's images offer: not every one has Windows.
  const offered = useOfferedSystems();
  const all = systemWords(offered, 'and');
  const any = systemWords(offered, 'or');

  let desktops;
  if (error)
    // One line with the reason; a stack trace helps nobody on a home page.
    desktops = (
      <WarningPanel
        severity="error"
        title={`Could not list your desktops: ${error.message}`}
      />
    );
  else if (!workspaces) desktops = <Progress />;
  else if (workspaces.length === 0)
    desktops = (
      <EmptyState
        missing="data"
        title="You have no desktops yet"
        description={`Order ${
          any ? `a ${any}` : 'a'
        } desktop; it is ready to open in your browser a few minutes later.`}
        action={<OrderDesktopButton />}
      />
    );
  else desktops = <DesktopList workspaces={workspaces} onChanged={replace} />;

  return (
    <Page themeId="tool">
      <Header
        title="Your desktops"
        subtitle={
          all ? `${all} desktops in your browser` : 'Desktops in your browser'
        }
      />
      <Content>
        <ContentHeader title="">
          <OrderDesktopButton />
        </ContentHeader>
        <Grid container spacing={3}>
          <Grid item xs={12} lg={8}>
            <InfoCard title="Desktops you and your groups own">
              {desktops}
            </InfoCard>
            <div style={{ marginTop: 24 }}>
              <SharedWithMe />
            </div>
          </Grid>
          <Grid item xs={12} lg={4}>
            <DesktopQuotaCard refreshKey={quotaKey} />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
