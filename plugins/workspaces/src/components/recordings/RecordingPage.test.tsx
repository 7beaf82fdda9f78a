import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  encodeRecordingFrame,
  RECORDING_MAGIC,
  type RecordingSummary,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { workspacesApi } from '../../__testUtils__/fixtures';
import { recordingRouteRef } from '../../routes';
import { RecordingPage, sessionLine } from './RecordingPage';

jest.setTimeout(30_000);

const mockReceived: number[][] = [];
const mockClients: any[] = [];

jest.mock('@novnc/novnc', () => ({
  __esModule: true,
  default: class {
    viewOnly = false;
    constructor(_target: HTMLElement, readonly channel: any) {
      mockClients.push(this);
      channel.onmessage = (e: MessageEvent) =>
        mockReceived.push([...new Uint8Array(e.data)]);
    }
    addEventListener() {}
    disconnect() {
      this.channel.close();
    }
  },
}));

const summary: RecordingSummary = {
  id: 'rec-1',
  workspace: 'alice-dev',
  actor: 'user:default/alice',
  startedAt: '2026-12-01T09:00:00.000Z',
  endedAt: '2026-12-01T09:00:05.000Z',
  durationMs: 5000,
  bytes: 40,
  truncated: true,
};

function file(...frames: Uint8Array[]): ArrayBuffer {
  const bytes = new Uint8Array(
    RECORDING_MAGIC.length + frames.reduce((n, f) => n + f.length, 0),
  );
  bytes.set(RECORDING_MAGIC);
  let at = RECORDING_MAGIC.length;
  for (const f of frames) {
    bytes.set(f, at);
    at += f.length;
  }
  return bytes.buffer;
}

async function renderPage(content: () => Promise<ArrayBuffer>) {
  const api = workspacesApi({
    getRecording: jest.fn(async () => summary),
    getRecordingContent: jest.fn(content),
  } as any);
  await renderInTestApp(<RecordingPage />, {
    mountPath: '/workspaces/:name/recordings/:id',
    apis: [[workspacesApiRef, api]],
    mountedRoutes: { '/workspaces/:name/recordings/:id': recordingRouteRef },
    initialRouteEntries: ['/workspaces/alice-dev/recordings/rec-1'],
  });
  return api;
}

describe('RecordingPage', () => {
  beforeEach(() => {
    mockReceived.length = 0;
    mockClients.length = 0;
  });

  it('loads the recording and hands its frames to a view-only player', async () => {
    const api = await renderPage(async () =>
      file(
        encodeRecordingFrame(0, new Uint8Array([82, 70, 66])),
        encodeRecordingFrame(4000, new Uint8Array([7])),
      ),
    );
    expect(
      await screen.findByRole('button', { name: 'Play' }),
    ).toBeInTheDocument();
    expect(api.getRecording).toHaveBeenCalledWith('rec-1');
    expect(api.getRecordingContent).toHaveBeenCalledWith('rec-1');
    expect(mockClients).toHaveLength(1);
    expect(mockClients[0].viewOnly).toBe(true);
    // The first frame, for a picture before play; the rest waits.
    expect(mockReceived).toEqual([[82, 70, 66]]);
    expect(screen.getByTestId('recording-player-time')).toHaveTextContent(
      '0:00 / 0:05',
    );
    expect(screen.getByText('Recording of alice-dev')).toBeInTheDocument();
    expect(
      screen.getByText(/This recording stops before the session ended/),
    ).toBeInTheDocument();
    for (const speed of ['0.5×', '1×', '2×', '4×']) {
      expect(screen.getByRole('button', { name: speed })).toBeInTheDocument();
    }
    expect(screen.getByRole('button', { name: '1×' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('says so in one line when the file is not a recording', async () => {
    await renderPage(async () => new TextEncoder().encode('<html>').buffer);
    expect(
      await screen.findByText(
        'This is not a console recording: it does not start with DMREC1',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/InputError|at parseRecording/)).toBeNull();
    expect(mockClients).toHaveLength(0);
  });

  it('names who, when, how long and how large in the header', () => {
    expect(sessionLine(summary)).toBe(
      'alice · started 2026-12-01 09:00 UTC · 0:05 · 40 B',
    );
    expect(sessionLine({ ...summary, endedAt: undefined })).toBe(
      'alice · started 2026-12-01 09:00 UTC · still being recorded · 40 B',
    );
  });
});
