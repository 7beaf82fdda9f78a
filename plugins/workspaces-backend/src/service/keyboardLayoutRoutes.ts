import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotImplementedError } from '@backstage/errors';
import {
  findKeyboardLayout,
  KEYBOARD_LAYOUTS,
  workspaceConnectPermission,
} from '@desktop-mania/plugin-workspaces-common';
import type express from 'express';
import type { WorkspaceService } from './WorkspaceService';

/** The layout a request body names, or an InputError listing the choices. */
function layoutOf(body: unknown) {
  const id = (body as { layout?: unknown } | undefined)?.layout;
  const layout = findKeyboardLayout(id);
  if (!layout) {
    throw new InputError(
      `layout: expected one of ${KEYBOARD_LAYOUTS.map(l => l.id).join(
        ', ',
      )}, got ${JSON.stringify(id) ?? 'nothing'}`,
    );
  }
  return layout;
}

/**
 * `PUT /workspaces/:name/keyboard-layout`: the console sets the running
 * desktop's keyboard layout on connect and when the person picks another.
 * It changes only what typing into the screen does, so whoever may use the
 * console (`workspace.connect`) may change it. Providers whose desktops
 * choose their own layout (VMs get scancodes) answer 501.
 */
export function addKeyboardLayoutRoutes(
  router: express.Router,
  options: { service: WorkspaceService; httpAuth: HttpAuthService },
) {
  const { service, httpAuth } = options;
  router.put('/workspaces/:name/keyboard-layout', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const layout = layoutOf(req.body);
    const { name } = req.params;
    const record = await service.authorizeRecord(
      name,
      workspaceConnectPermission,
      credentials,
    );
    const provider = service.providerFor(record.cluster);
    if (!provider.setKeyboardLayout) {
      throw new NotImplementedError(
        `The keyboard layout of '${name}' is set inside the desktop; its ${provider.id} provider cannot change it`,
      );
    }
    await provider.setKeyboardLayout(
      { name: record.name, cluster: record.cluster },
      layout,
    );
    res.status(204).end();
  });
}
