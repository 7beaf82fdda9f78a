import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { discoveryApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { workspacesApiRef } from '../../api';
import { DesktopConsole } from './DesktopConsole';
import { RecordingBanner, useRecorded } from './RecordingBanner';

jest.mock('@novnc/novnc', () => ({
  __esModule: true,
  default: class {},
}));

// The first render of the whole console takes seconds on a loaded machine.
jest.setTimeout(30_000);

const BANNER = 'desktop-console-recording-banner';

function apisFor(recorded: boolean | undefined) {
  return [
    [discoveryApiRef, { getBaseUrl: async () => 'http://localhost/api' }],
    [identityApiRef, { getCredentials: async () => ({}) }],
    [
      workspacesApiRef,
      { getWorkspace: jest.fn(async (name: string) => ({ name, recorded })) },
    ],
  ] as any;
}

function Probe(props: { live?: boolean }) {
  const recorded = useRecorded('alice-dev', props.live);
  return <RecordingBanner recorded={recorded} />;
}

describe('RecordingBanner', () => {
  it('tells the user before they connect that the desktop is recorded', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apisFor(true)}>
        <DesktopConsole name="alice-dev" autoConnect={false} />
      </TestApiProvider>,
    );
    const banner = await screen.findByTestId(BANNER);
    expect(banner).toHaveTextContent(/This session is recorded/);
    expect(banner).toHaveAttribute('role', 'status');
  });

  it('says nothing on a desktop that is not recorded', async () => {
    const apis = apisFor(undefined);
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <DesktopConsole name="alice-dev" autoConnect={false} />
      </TestApiProvider>,
    );
    await waitFor(() => expect(apis[2][1].getWorkspace).toHaveBeenCalled());
    expect(screen.queryByTestId(BANNER)).toBeNull();
  });

  it("follows the live session's word over the desktop's", async () => {
    const { rerender } = await renderInTestApp(
      <TestApiProvider apis={apisFor(false)}>
        <Probe live />
      </TestApiProvider>,
    );
    expect(screen.getByTestId(BANNER)).toBeInTheDocument();
    rerender(
      <TestApiProvider apis={apisFor(true)}>
        <Probe live={false} />
      </TestApiProvider>,
    );
    expect(screen.queryByTestId(BANNER)).toBeNull();
  });

  it('works without the workspaces API, from the live session alone', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apisFor(true).slice(0, 2)}>
        <Probe />
      </TestApiProvider>,
    );
    expect(screen.queryByTestId(BANNER)).toBeNull();
  });
});
