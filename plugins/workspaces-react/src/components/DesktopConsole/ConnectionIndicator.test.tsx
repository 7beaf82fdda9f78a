import { render, screen } from '@testing-library/react';
import {
  ConnectionIndicator,
  formatRate,
  qualityOf,
} from './ConnectionIndicator';

describe('ConnectionIndicator', () => {
  it('shows frames, bandwidth and the preset in use', () => {
    render(
      <ConnectionIndicator
        telemetry={{ latencyMs: 12, fps: 24.4, bytesPerSecond: 250_000 }}
        preset="Broadband"
      />,
    );
    const indicator = screen.getByTestId('desktop-console-connection');
    expect(indicator).toHaveTextContent(
      '12 ms · 24 fps · 250 kB/s · Broadband',
    );
    expect(indicator).toHaveAttribute(
      'aria-label',
      'Connection good, round trip 12 ms, 24 frames per second, 250 kB/s received, Broadband quality',
    );
    expect(indicator).toHaveAttribute('data-quality', 'good');
  });

  it('leaves the preset out when the toolbar does not name one', () => {
    render(<ConnectionIndicator telemetry={{ bytesPerSecond: 500 }} />);
    const indicator = screen.getByTestId('desktop-console-connection');
    expect(indicator).toHaveTextContent(/^500 B\/s$/);
    expect(indicator.getAttribute('aria-label')).not.toMatch(/quality/);
  });

  it('shows nothing before the first measurement, whatever the preset', () => {
    render(<ConnectionIndicator telemetry={{}} preset="LAN" />);
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
