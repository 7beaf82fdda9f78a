import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { WorkspaceFlavors } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { workspacesApi } from '../../__testUtils__/fixtures';
import {
  WorkspaceDiskPicker,
  WorkspaceFlavorPicker,
  WorkspaceSizePicker,
} from './WorkspaceFlavorPickers';
import {
  COLLAPSED_FIELD,
  WorkspaceClusterPicker,
} from './WorkspaceClusterPicker';
import { validateImage } from './fieldValidation';
import { describeMemory } from './offer';

// Rendering the test app takes seconds when every suite runs at once.
jest.setTimeout(20_000);

const limits = {
  diskGi: { min: 20, max: 200, default: 40 },
  lifetimeHours: { min: 1, max: 720, default: 168 },
  maxPerOwner: 3,
};
// As GET /flavors answers for the repository's app-config.yaml.
const flavors: WorkspaceFlavors = {
  images: [
    {
      name: 'debian-desktop',
      title: 'Debian desktop',
      os: 'linux',
      minimum: { cpu: 1, memory: '512Mi', diskGi: 20 },
      sizes: ['small', 'medium'],
      diskGi: { min: 20, max: 200, default: 40 },
    },
    {
      name: 'windows-11',
      title: 'Windows 11',
      os: 'windows',
      minimum: { cpu: 2, memory: '4Gi', diskGi: 64 },
      sizes: ['medium'],
      diskGi: { min: 64, max: 200, default: 64 },
    },
  ],
  sizes: [
    { name: 'small', title: 'Small (1 vCPU, 4 GiB)', cpu: 1, memory: '4Gi' },
    { name: 'medium', title: 'Medium (2 vCPU, 8 GiB)', cpu: 2, memory: '8Gi' },
  ],
  limits,
  clusters: [{ name: 'rke2', provider: 'kubevirt', os: ['linux', 'windows'] }],
  defaultCluster: 'rke2',
};

function field(
  Component: (props: any) => JSX.Element | null,
  formData: unknown,
  image: string | undefined,
  title: string,
  extra: { options?: object; offer?: WorkspaceFlavors; form?: object } = {},
) {
  const onChange = jest.fn();
  const props = {
    formData,
    onChange,
    schema: { title },
    uiSchema: extra.options ? { 'ui:options': extra.options } : {},
    idSchema: { $id: title },
    rawErrors: [],
    formContext: { formData: { image, ...extra.form } },
  } as any;
  const offer = extra.offer ?? flavors;
  renderInTestApp(<Component {...props} />, {
    apis: [
      [workspacesApiRef, workspacesApi({ getFlavors: async () => offer })],
    ],
  });
  return onChange;
}

// A portal whose only cluster runs Linux desktops, as the local provider does.
const linuxOnly: WorkspaceFlavors = {
  ...flavors,
  clusters: [{ name: 'local', provider: 'local', os: ['linux'] }],
  defaultCluster: 'local',
};

const twoClusters: WorkspaceFlavors = {
  ...linuxOnly,
  clusters: [...linuxOnly.clusters, ...flavors.clusters],
};

/** What a field's validation function refuses, as the scaffolder runs it on Next. */
async function refusals(
  image: string,
  offer: WorkspaceFlavors,
  form: object = {},
) {
  const errors: string[] = [];
  await validateImage(
    image,
    { addError: (e: string) => errors.push(e) } as any,
    {
      apiHolder: {
        get: () => workspacesApi({ getFlavors: async () => offer }),
      },
      formData: { image, ...form },
      schema: {},
      uiSchema: { 'ui:options': { os: 'windows' } },
    } as any,
  );
  return errors;
}

describe('WorkspaceFlavorPicker', () => {
  it('lists the images of its operating system that the cluster runs', async () => {
    field(WorkspaceFlavorPicker, undefined, undefined, 'Image', {
      options: { os: 'windows' },
    });
    expect(await sizeOptions()).toEqual(['Windows 11']);
  });

  it('says on the first page that no cluster here runs Windows, and offers nothing', async () => {
    field(WorkspaceFlavorPicker, undefined, undefined, 'Image', {
      options: { os: 'windows' },
      offer: linuxOnly,
    });
    expect(
      await screen.findByText(
        'No cluster here runs Windows desktops, so this portal cannot order one.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button')).toHaveAttribute('aria-disabled', 'true');
  });

  it('offers Windows once the chosen cluster runs it, and not before', async () => {
    field(WorkspaceFlavorPicker, undefined, undefined, 'Image', {
      options: { os: 'windows' },
      offer: twoClusters,
    });
    expect(
      await screen.findByText(
        'Cluster local does not run Windows desktops; choose another cluster.',
      ),
    ).toBeInTheDocument();
  });

  it('clears an image that the chosen cluster does not run', async () => {
    const onChange = field(
      WorkspaceFlavorPicker,
      'windows-11',
      'windows-11',
      'Image',
      {
        options: { os: 'windows' },
        offer: twoClusters,
        form: { cluster: 'local' },
      },
    );
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(undefined));
  });

  it('keeps the step from going on while nothing can be ordered', async () => {
    expect(await refusals('windows-11', linuxOnly)).toEqual([
      'No cluster here runs Windows desktops, so this portal cannot order one.',
    ]);
    expect(
      await refusals('windows-11', twoClusters, { cluster: 'rke2' }),
    ).toEqual([]);
    expect(await refusals('gentoo', flavors)).toEqual([
      'The image gentoo cannot be ordered here; choose another.',
    ]);
  });
});

describe('WorkspaceClusterPicker', () => {
  it('asks nothing when one cluster fits, and orders there', async () => {
    const onChange = field(
      WorkspaceClusterPicker,
      undefined,
      undefined,
      'Cluster',
      {
        options: { os: 'windows' },
        offer: twoClusters,
      },
    );
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('rke2'));
    expect(screen.queryByTestId('cluster-picker')).not.toBeInTheDocument();
    // What it renders instead marks its place in the form to collapse.
    expect(document.querySelector(`[${COLLAPSED_FIELD}]`)).not.toBeNull();
  });

  it('lists the clusters that run Linux, the default first, when there is a choice', async () => {
    const onChange = field(
      WorkspaceClusterPicker,
      undefined,
      undefined,
      'Cluster',
      {
        options: { os: 'linux' },
        offer: twoClusters,
      },
    );
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('local'));
    expect(await sizeOptions()).toEqual(['local (local)', 'rke2 (kubevirt)']);
  });
});

async function sizeOptions() {
  fireEvent.mouseDown(await screen.findByRole('button'));
  const list = await screen.findByRole('listbox');
  return within(list)
    .getAllByRole('option')
    .map(o => o.textContent);
}

describe('WorkspaceSizePicker', () => {
  it('lists only the sizes the chosen image runs in, and says why', async () => {
    field(WorkspaceSizePicker, undefined, 'windows-11', 'Size');
    expect(
      await screen.findByText(
        'Windows 11 needs at least 2 vCPU and 4 GiB; only sizes that have it are listed.',
      ),
    ).toBeInTheDocument();
    expect(await sizeOptions()).toEqual(['Medium (2 vCPU, 8 GiB)']);
  });

  it('states memory in the units people read', async () => {
    field(WorkspaceSizePicker, undefined, 'debian-desktop', 'Size');
    expect(
      await screen.findByText(/needs at least 1 vCPU and 512 MiB;/),
    ).toBeInTheDocument();
    expect(
      ['512Mi', '2048Mi', '2Gi', '1536Mi', '4G', '1000', 'lots'].map(
        describeMemory,
      ),
    ).toEqual([
      '512 MiB',
      '2 GiB',
      '2 GiB',
      '1536 MiB',
      '4 GB',
      '1000 bytes',
      'lots',
    ]);
  });

  it('lists every size before an image is chosen', async () => {
    field(WorkspaceSizePicker, undefined, undefined, 'Size');
    await waitFor(async () =>
      expect(await sizeOptions()).toEqual([
        'Small (1 vCPU, 4 GiB)',
        'Medium (2 vCPU, 8 GiB)',
      ]),
    );
  });

  it('clears a size that the newly chosen image cannot run in', async () => {
    const onChange = field(WorkspaceSizePicker, 'small', 'windows-11', 'Size');
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(undefined));
  });
});

describe('WorkspaceDiskPicker', () => {
  it("starts at the image's default and states its smallest disk", async () => {
    const onChange = field(
      WorkspaceDiskPicker,
      undefined,
      'windows-11',
      'Disk',
    );
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(64));
    expect(
      await screen.findByText(
        'Between 64 and 200 GiB; Windows 11 itself takes 64 GiB.',
      ),
    ).toBeInTheDocument();
  });

  it('raises a disk chosen for a smaller image', async () => {
    const onChange = field(WorkspaceDiskPicker, 40, 'windows-11', 'Disk');
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(64));
  });

  it('keeps a disk that fits', async () => {
    const onChange = field(WorkspaceDiskPicker, 50, 'debian-desktop', 'Disk');
    expect(
      await screen.findByText(
        'Between 20 and 200 GiB; Debian desktop itself takes 20 GiB.',
      ),
    ).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByTestId('disk-picker')).toHaveValue(50);
  });
});
