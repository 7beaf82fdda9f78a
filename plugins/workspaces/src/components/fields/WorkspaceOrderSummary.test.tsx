import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  extractSchemaFromStep,
  ReviewState,
} from '@backstage/plugin-scaffolder-react/alpha';
import type { WorkspaceFlavors } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { catalogPeople, workspacesApi } from '../../__testUtils__/fixtures';
import { WorkspaceOrderSummary } from './WorkspaceOrderSummary';

jest.setTimeout(20_000);

// The template as the catalog serves it; jest reads YAML as an object. It is
// data the test checks, not code this package builds on.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @backstage/no-relative-monorepo-imports
const linux = require('../../../../../templates/linux-desktop/template.yaml');

const flavors: WorkspaceFlavors = {
  images: [
    {
      name: 'debian-desktop',
      title: 'Debian desktop (Openbox)',
      os: 'linux',
      sizes: ['small'],
      diskGi: { min: 20, max: 200, default: 40 },
    },
  ],
  sizes: [{ name: 'small', title: 'Small (1 vCPU, 4 GiB)' }],
  limits: {
    diskGi: { min: 20, max: 200, default: 40 },
    lifetimeHours: { min: 1, max: 720, default: 168 },
    maxPerOwner: 3,
  },
  clusters: [{ name: 'local', provider: 'local', os: ['linux'] }],
  defaultCluster: 'local',
};

const catalog = catalogApiMock({ entities: [catalogPeople.alice] });

// What the person chose, as the form holds it: IDs and numbers.
const chosen = {
  name: 'alice-dev',
  cluster: 'local',
  image: 'debian-desktop',
  size: 'small',
  owner: 'user:default/alice',
  diskGi: 40,
  lifetimeHours: 168,
};

const inWords = {
  image: 'Debian desktop (Openbox)',
  size: 'Small (1 vCPU, 4 GiB)',
  disk: '40 GiB',
  lifetime: '7 days',
  owner: 'Alice Example',
};

describe('WorkspaceOrderSummary', () => {
  it('keeps the order in words: titles for IDs, units for numbers, the owner by name', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <WorkspaceOrderSummary
        {...({
          formData: undefined,
          onChange,
          schema: {},
          uiSchema: {},
          idSchema: { $id: 'summary' },
          formContext: { formData: chosen },
        } as any)}
      />,
      {
        apis: [
          [
            workspacesApiRef,
            workspacesApi({ getFlavors: async () => flavors }),
          ],
          [catalogApiRef, catalog],
        ],
      },
    );
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith(inWords));
  });
});

describe('the review step of the Linux desktop template', () => {
  it('shows titles, not IDs', async () => {
    // As the scaffolder's Stepper builds each page for the review step.
    const schemas = linux.spec.parameters.map((page: any) => ({
      title: page.title,
      mergedSchema: page,
      ...extractSchemaFromStep(page),
    }));
    await renderInTestApp(
      <ReviewState
        schemas={schemas}
        formState={{ ...chosen, summary: inWords }}
      />,
    );
    const rows = Object.fromEntries(
      screen
        .getAllByRole('row')
        .map(row =>
          Array.from(row.querySelectorAll('td')).map(c => c.textContent),
        ),
    );
    expect(rows).toEqual({
      Name: 'alice-dev',
      Image: 'Debian desktop (Openbox)',
      Size: 'Small (1 vCPU, 4 GiB)',
      Disk: '40 GiB',
      Lifetime: '7 days',
      Owner: 'Alice Example',
    });
  });
});
