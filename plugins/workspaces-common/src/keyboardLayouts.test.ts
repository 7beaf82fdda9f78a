import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  DEFAULT_KEYBOARD_LAYOUT,
  findKeyboardLayout,
  KEYBOARD_LAYOUTS,
} from './keyboardLayouts';
import { WorkspacesClient } from './WorkspacesClient';

describe('keyboard layouts', () => {
  it('names each layout once, the default first', () => {
    const ids = KEYBOARD_LAYOUTS.map(l => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe(DEFAULT_KEYBOARD_LAYOUT);
  });

  it('finds a layout by id and nothing for anything else', () => {
    expect(findKeyboardLayout('ch-fr')).toEqual({
      id: 'ch-fr',
      title: 'Swiss French',
      xkbLayout: 'ch',
      xkbVariant: 'fr',
    });
    expect(findKeyboardLayout('klingon')).toBeUndefined();
    expect(findKeyboardLayout(['de'])).toBeUndefined();
    expect(findKeyboardLayout(undefined)).toBeUndefined();
  });
});

describe('WorkspacesClient.setKeyboardLayout', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  const base = 'http://backend/api/workspaces';

  it('puts the layout id to the desktop, with the token', async () => {
    const seen: unknown[] = [];
    server.use(
      http.put(
        `${base}/workspaces/alice%20dev/keyboard-layout`,
        async ({ request }) => {
          seen.push(request.headers.get('authorization'), await request.json());
          return new HttpResponse(null, { status: 204 });
        },
      ),
    );
    const client = new WorkspacesClient({
      discoveryApi: { getBaseUrl: async () => base },
    });
    await expect(
      client.setKeyboardLayout('alice dev', 'de', { token: 't' }),
    ).resolves.toBeUndefined();
    expect(seen).toEqual(['Bearer t', { layout: 'de' }]);
  });
});
