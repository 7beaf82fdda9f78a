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
import { DesktopList } from './DesktopList';
import { DesktopQuotaCard } from './DesktopQuotaCard';
import { OrderDesktopButton } from './OrderDesktopButton';
import { useMyDesktops } from './useMyDesktops';

/**
 * Where people who use desktops land: their desktops and their groups',
 * what each is doing and when it expires, and how much of the quota is left.
 *
 * @public
 */
export function WorkspacesHomePage() {
  const { workspaces, error, replace } = useMyDesktops();

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
        description="Order a Linux or Windows desktop; it is ready to open in your browser a few minutes later."
        action={<OrderDesktopButton />}
      />
    );
  else desktops = <DesktopList workspaces={workspaces} onChanged={replace} />;

  return (
    <Page themeId="tool">
      <Header
        title="Your desktops"
        subtitle="Linux and Windows desktops in your browser"
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
          </Grid>
          <Grid item xs={12} lg={4}>
            <DesktopQuotaCard refreshKey={workspaces?.length} />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
