import type { ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import type { Workspace } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '../api';
import { useWorkspace } from './useWorkspace';

const desk = {
  name: 'alice-desk',
  status: { phase: 'Running' },
} as unknown as Workspace;

/** What the client throws for a 404: a ResponseError, with the response. */
async function notFound() {
  return Object.assign(new Error('No desktop alice-desk'), {
    name: 'ResponseError',
    response: new Response(null, { status: 404 }),
  });
}

function render(getWorkspace: jest.Mock) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[workspacesApiRef, { getWorkspace } as any]]}>
      {children}
    </TestApiProvider>
  );
  return renderHook(
    () => useWorkspace('alice-desk', { fastMs: 20, slowMs: 20 }),
    { wrapper },
  );
}

describe('useWorkspace', () => {
  it('drops a desktop the backend no longer has, and stops asking', async () => {
    const gone = await notFound();
    const getWorkspace = jest
      .fn()
      .mockResolvedValueOnce(desk)
      .mockRejectedValue(gone);
    const { result } = render(getWorkspace);
    await waitFor(() => expect(result.current.error).toBe(gone));
    expect(result.current.workspace).toBeUndefined();
    const asked = getWorkspace.mock.calls.length;
    await act(() => new Promise(r => setTimeout(r, 150)));
    expect(getWorkspace).toHaveBeenCalledTimes(asked);
  });

  it('keeps the last state and asks again after any other failure', async () => {
    const getWorkspace = jest
      .fn()
      .mockResolvedValueOnce(desk)
      .mockRejectedValue(new Error('Cluster did not answer'));
    const { result } = render(getWorkspace);
    await waitFor(() => expect(result.current.error).toBeDefined());
    expect(result.current.workspace).toEqual(desk);
    const asked = getWorkspace.mock.calls.length;
    await waitFor(() =>
      expect(getWorkspace.mock.calls.length).toBeGreaterThan(asked),
    );
  });
});
