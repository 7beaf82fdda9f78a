import { setupServer } from 'msw/node';
import { WorkspacesClient } from '../WorkspacesClient';

/**
 * A client of the workspaces backend at `base`, where only the handlers a
 * test adds with `server.use` answer. Call it at the top of a test file: it
 * adds the Jest hooks that start and stop the server.
 */
export function clientOfMockBackend() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const base = 'http://backend/api/workspaces';
  const client = new WorkspacesClient({
    discoveryApi: { getBaseUrl: async () => base },
  });
  return { server, base, client };
}
