import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  Workspace,
  WorkspaceFolder,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { running, workspacesApi } from '../../__testUtils__/fixtures';
import { FilesTab } from './FilesTab';

const entity = {
  apiVersion: 'desktopmania.io/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'alice-dev', namespace: 'default' },
  spec: { type: 'linux', owner: 'user:default/alice' },
};
const local: Workspace = { ...running, provider: 'local', cluster: 'local' };
const AT = '2026-11-29T12:00:00.000Z';

const folders: Record<string, WorkspaceFolder> = {
  '': {
    path: '',
    entries: [
      { name: 'Uploads', type: 'directory', size: 0, modifiedAt: AT },
      { name: 'notes.txt', type: 'file', size: 2048, modifiedAt: AT },
      { name: 'passwd', type: 'other', size: 0, modifiedAt: AT },
    ],
  },
  Uploads: {
    path: 'Uploads',
    entries: [
      { name: 'a.iso', type: 'file', size: 3 * 2 ** 20, modifiedAt: AT },
    ],
  },
};

function filesApi(overrides: Partial<WorkspacesApi> = {}) {
  return workspacesApi({
    getWorkspace: jest.fn(async () => local),
    listFiles: jest.fn(async (_name: string, path: string) => folders[path]),
    downloadFile: jest.fn(async () => new Blob(['hi'])),
    uploadFile: jest.fn(async () => undefined),
    ...overrides,
  });
}

function renderTab(api: WorkspacesApi) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <FilesTab />
    </EntityProvider>,
    { apis: [[workspacesApiRef, api], mockApis.permission()] },
  );
}

describe('FilesTab', () => {
  beforeEach(() => {
    URL.createObjectURL = jest.fn(() => 'blob:file');
    URL.revokeObjectURL = jest.fn();
  });

  it('lists the home with sizes and opens folders', async () => {
    const api = filesApi();
    await renderTab(api);
    expect(await screen.findByText('notes.txt')).toBeInTheDocument();
    expect(screen.getByText('2.0 KiB')).toBeInTheDocument();
    expect(
      screen.getByText('passwd (link or special file)'),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Open folder Uploads' }),
    );
    expect(await screen.findByText('a.iso')).toBeInTheDocument();
    expect(screen.getByText('3.0 MiB')).toBeInTheDocument();
    expect(api.listFiles).toHaveBeenLastCalledWith('alice-dev', 'Uploads');
  });

  it('downloads through the API, as a blob the browser saves', async () => {
    const api = filesApi();
    await renderTab(api);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Download notes.txt' }),
    );
    await waitFor(() => expect(URL.createObjectURL).toHaveBeenCalled());
    expect(api.downloadFile).toHaveBeenCalledWith('alice-dev', 'notes.txt');
  });

  it('uploads from the home into ~/Uploads, then shows that folder', async () => {
    const api = filesApi();
    await renderTab(api);
    expect(
      await screen.findByRole('button', { name: /Upload to ~\/Uploads/ }),
    ).toBeInTheDocument();
    const file = new File(['data'], 'report.pdf');
    fireEvent.change(screen.getByTestId('files-upload-input'), {
      target: { files: [file] },
    });
    await waitFor(() =>
      expect(api.uploadFile).toHaveBeenCalledWith(
        'alice-dev',
        'Uploads/report.pdf',
        file,
      ),
    );
    expect(await screen.findByText('a.iso')).toBeInTheDocument();
  });

  it("shows the backend's reason in one line", async () => {
    const refusal = Object.assign(new Error('Request failed with 409'), {
      body: {
        error: {
          message: "The desktop's home is full; free space in it and try again",
        },
      },
    });
    const api = filesApi({
      uploadFile: jest.fn(async () => Promise.reject(refusal)),
    });
    await renderTab(api);
    await screen.findByText('notes.txt');
    fireEvent.drop(screen.getByTestId('files-drop-zone'), {
      dataTransfer: { files: [new File(['x'], 'big.bin')] },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "big.bin: The desktop's home is full; free space in it and try again",
    );
  });

  it('says why VM desktops have no file transfer, without asking for files', async () => {
    const api = filesApi({ getWorkspace: jest.fn(async () => running) });
    await renderTab(api);
    expect(
      await screen.findByText(
        'File transfer is not available for VM desktops yet',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/nothing inside the VM offers/),
    ).toBeInTheDocument();
    expect(api.listFiles).not.toHaveBeenCalled();
  });

  it('asks to start a stopped desktop', async () => {
    const api = filesApi({
      getWorkspace: jest.fn(async () => ({
        ...local,
        status: { phase: 'Stopped' as const, ready: false },
      })),
    });
    await renderTab(api);
    expect(
      await screen.findByText(/Start the desktop to transfer files/),
    ).toBeInTheDocument();
    expect(api.listFiles).not.toHaveBeenCalled();
  });
});
