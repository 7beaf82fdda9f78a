/**
 * Orders one desktop and exits at once, as a backend that stops right after
 * an order would. Run with node and the Backstage CLI's TypeScript hook:
 * `createDesktop.ts <dataDir> <name> <displayBase> <uidBase>`.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { LocalWorkspaceProvider } from '../LocalWorkspaceProvider';
import { order } from './orders';

const [dataDir, name, displayBase, uidBase] = process.argv.slice(2);
const quiet: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => quiet,
};

LocalWorkspaceProvider.fromOptions({
  dataDir,
  displayBase: Number(displayBase),
  uidBase: Number(uidBase),
  logger: quiet,
})
  .then(provider =>
    provider.create(
      order({
        name,
        size: { name: 'small', title: 'Small', geometry: '800x600' },
        owner: 'user:default/carol',
        createdBy: 'user:default/carol',
        username: 'carol',
      }),
    ),
  )
  .then(
    () => process.exit(0),
    error => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
