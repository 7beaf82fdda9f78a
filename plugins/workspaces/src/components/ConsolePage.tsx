import { useEffect } from 'react';
import { Content, Page } from '@backstage/core-components';
import { useRouteRefParams } from '@backstage/frontend-plugin-api';
import { consoleRouteRef } from '../routes';
import { DesktopView } from './DesktopTab';

/**
 * A desktop in a window of its own. No page header: at 1366×768 it would
 * take a fifth of the height the desktop needs; the toolbar names it.
 */
export function ConsolePage() {
  const { name } = useRouteRefParams(consoleRouteRef);
  useEffect(() => {
    const before = document.title;
    document.title = `${name} · Desktop`;
    return () => {
      document.title = before;
    };
  }, [name]);
  return (
    <Page themeId="tool">
      <Content>
        <DesktopView name={name} standalone />
      </Content>
    </Page>
  );
}
