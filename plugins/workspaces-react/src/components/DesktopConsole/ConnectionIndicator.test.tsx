import { render, screen } from '@testing-library/react';
import {
  ConnectionIndicator,
  formatRate,
  qualityOf,
} from './ConnectionIndicator';

describe('ConnectionIndicator', () => {
  // The preset in use is the toolbar's Quality select, beside it.
  it('shows the round trip, frames and bandwidth, and says them in words', () => {
    render(
      <ConnectionIndicator
        telemetry={{ latencyMs: 12, fps: 24.4, bytesPerSecond: 250_000 }}
      />,
    );
    const indicator = screen.getByTestId('desktop-console-connection');
    expect(indicator).toHaveTextContent('12 ms · 24 fps · 250 kB/s');
    expect(indicator).toHaveAttribute(
      'aria-label',
      'Connection good, round trip 12 ms, 24 frames per second, 250 kB/s received',
    );
    expect(indicator).toHaveAttribute('data-quality', 'good');
  });

  it('shows nothing before the first measurement', () => {
    render(<ConnectionIndicator telemetry={{}} />);
    expect(screen.queryByTestId('desktop-console-connection')).toBeNull();
  });

  it('grades the round trip and formats the rate', () => {
    expect([
      qualityOf(undefined),
      qualityOf(99),
      qualityOf(100),
      qualityOf(250),
    ]).toEqual(['unknown', 'good', 'fair', 'poor']);
    expect(formatRate(999)).toBe('999 B/s');
    expect(formatRate(1500)).toBe('1.5 kB/s');
    expect(formatRate(2_500_000)).toBe('2.5 MB/s');
  });
});
