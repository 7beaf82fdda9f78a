import { createBackend } from '@backstage/backend-defaults';
import { migrationLockDatabaseServiceFactory } from '@desktop-mania/plugin-workspaces-node';
import { authModuleOidcDirectory } from './auth/oidcDirectoryModule';
import { permissionPolicyModule } from './permissions/permissionPolicyModule';

const backend = createBackend();

// Replicas starting together on one empty PostgreSQL take turns migrating
// each plugin's tables, instead of one losing knex's race and restarting.
backend.add(migrationLockDatabaseServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));
backend.add(import('@backstage/plugin-events-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// OIDC signs people in from the portal's directory (src/auth); it replaces
// the stock OIDC module, which would register the same provider id.
backend.add(authModuleOidcDirectory);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@desktop-mania/plugin-catalog-backend-module-workspaces'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@desktop-mania/plugin-scaffolder-backend-module-workspaces'),
);

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

// Desktops: the lifecycle plugin and its runtimes. Each provider module only
// registers when its config block is present.
backend.add(import('@desktop-mania/plugin-workspaces-backend'));
backend.add(import('@desktop-mania/plugin-workspaces-backend-module-local'));
backend.add(import('@desktop-mania/plugin-workspaces-backend-module-kubevirt'));

backend.add(import('@desktop-mania/plugin-cluster-health-backend'));

backend.start();
