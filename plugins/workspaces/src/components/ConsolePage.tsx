import { useParams } from 'react-router-dom';
import { Content, Header, Page } from '@backstage/core-components';
import { DesktopView } from './DesktopTab';

/** A desktop in a window of its own. */
export function ConsolePage() {
  const { name = '' } = useParams();
  return (
    <Page themeId="tool">
      <Header title={name} subtitle="Desktop" />
      <Content>
        <DesktopView name={name} fill />
      </Content>
    </Page>
  );
}
