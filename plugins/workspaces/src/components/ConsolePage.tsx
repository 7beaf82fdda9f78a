import { Content, Header, Page } from '@backstage/core-components';
import { useRouteRefParams } from '@backstage/frontend-plugin-api';
import { consoleRouteRef } from '../routes';
import { DesktopView } from './DesktopTab';

/** A desktop in a window of its own. */
export function ConsolePage() {
  const { name } = useRouteRefParams(consoleRouteRef);
  return (
    <Page themeId="tool">
      <Header title={name} subtitle="Desktop" />
      <Content>
        <DesktopView name={name} fill />
      </Content>
    </Page>
  );
}
