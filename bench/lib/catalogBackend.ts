/*
 * The catalog as the catalog-scale benchmark drives it: the real catalog
 * backend with the Workspace module, reading desktops from the listing
 * server the benchmark runs (discovery points `workspaces` at it).
 */
import { createBackend } from '@backstage/backend-defaults';
import { permissionPolicyModule } from '../../packages/backend/src/permissions/permissionPolicyModule';

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@desktop-mania/plugin-catalog-backend-module-workspaces'));
backend.start().then(() => process.send?.('ready'));
