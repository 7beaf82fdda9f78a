import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { IdleWarning, idleWarningLeadMs } from './IdleWarning';

describe('IdleWarning', () => {
  it('warns during the last minute of a long timeout', async () => {
    expect(idleWarningLeadMs(30 * 60_000)).toBe(60_000);
    expect(idleWarningLeadMs(90_000)).toBe(60_000);
    expect(idleWarningLeadMs(undefined)).toBe(60_000);
    await renderInTestApp(
      <IdleWarning leftMs={61_000} timeoutMs={30 * 60_000} viewOnly={false} />,
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('warns during the last half of a timeout of a minute or less, so input still clears it', async () => {
    expect(idleWarningLeadMs(60_000)).toBe(30_000);
    expect(idleWarningLeadMs(16_000)).toBe(8_000);
    const { rerender } = await renderInTestApp(
      <IdleWarning leftMs={16_000} timeoutMs={16_000} viewOnly={false} />,
    );
    // Right after input: no warning, though less than a minute is left.
    expect(screen.queryByRole('alert')).toBeNull();
    rerender(
      <IdleWarning leftMs={7_200} timeoutMs={16_000} viewOnly={false} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Disconnecting in 0:08 for inactivity — move the mouse or press a key to stay',
    );
  });
});
