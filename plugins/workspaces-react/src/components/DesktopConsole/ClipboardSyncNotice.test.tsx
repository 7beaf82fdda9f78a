import { fireEvent, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import {
  ClipboardSyncNotice,
  clipboardSyncMessage,
} from './ClipboardSyncNotice';

describe('ClipboardSyncNotice', () => {
  it('says nothing while the browser has refused nothing', () => {
    for (const read of ['unknown', 'allowed'] as const)
      for (const write of ['unknown', 'allowed'] as const)
        expect(clipboardSyncMessage({ read, write })).toBeUndefined();
  });

  it('names the way that is refused', () => {
    expect(clipboardSyncMessage({ read: 'denied', write: 'allowed' })).toMatch(
      /did not allow this page to read its clipboard, so Ctrl\+V/,
    );
    expect(clipboardSyncMessage({ read: 'allowed', write: 'denied' })).toMatch(
      /did not allow this page to write its clipboard/,
    );
    expect(clipboardSyncMessage({ read: 'denied', write: 'denied' })).toMatch(
      /Ctrl\+C and Ctrl\+V stay inside the desktop/,
    );
    expect(
      clipboardSyncMessage({ read: 'unsupported', write: 'unsupported' }),
    ).toMatch(/does not share its clipboard/);
  });

  it('points at the clipboard panel, opening it on request', async () => {
    const onOpenPanel = jest.fn();
    await renderInTestApp(
      <ClipboardSyncNotice
        sync={{ read: 'denied', write: 'allowed' }}
        onOpenPanel={onOpenPanel}
      />,
    );
    expect(
      screen.getByTestId('desktop-console-clipboard-sync'),
    ).toHaveTextContent(
      /allow clipboard access for this site, or use the clipboard panel\./,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Clipboard panel' }));
    expect(onOpenPanel).toHaveBeenCalledTimes(1);
  });
});
