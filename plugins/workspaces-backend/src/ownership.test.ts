import fs from 'fs';
import path from 'path';

// The workspace service is the one owner of desktop records and of the calls
// to providers. Everything else (routes, the console proxy, housekeeping)
// reaches them through it; this test keeps it that way. Reconciler.ts,
// workspaceOrders.ts, workspaceActions.ts, workspaceConsoles.ts,
// liveStatus.ts, fileTransfer.ts and usage.ts are parts of the service, split
// by concern: the service builds or calls them with its own store and
// providers, and nothing else builds the parts that hold its store.
const OWNERS = {
  // Holding a WorkspaceStore is what lets code read or write records.
  store: [
    'plugin.ts',
    'service/WorkspaceService.ts',
    'service/Reconciler.ts',
    'service/workspaceOrders.ts',
    'service/workspaceActions.ts',
    'service/workspaceConsoles.ts',
    'database/WorkspaceStore.ts',
  ],
  // forCluster() hands out a provider to call.
  providers: [
    'plugin.ts',
    'service/WorkspaceService.ts',
    'service/Reconciler.ts',
    'service/workspaceOrders.ts',
    'service/workspaceActions.ts',
    'service/workspaceConsoles.ts',
    'service/liveStatus.ts',
    'service/fileTransfer.ts',
    'service/usage.ts',
    // Snapshots are a part of the service, built and called by it like file
    // transfer: they take and restore through the desktop's provider.
    'service/snapshots.ts',
    'service/snapshotRules.ts',
    'service/ProviderRegistry.ts',
  ],
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === '__testUtils__' ? [] : sources(full);
    }
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
      ? [full]
      : [];
  });
}

function users(pattern: RegExp) {
  return (
    sources(__dirname)
      // Module paths name the file, not a use of what it exports.
      .filter(file =>
        pattern.test(fs.readFileSync(file, 'utf8').replace(/'[^'\n]*'/g, "''")),
      )
      .map(file => path.relative(__dirname, file).split(path.sep).join('/'))
      .sort()
  );
}

describe('ownership of workspace state', () => {
  it('only the service holds the store', () => {
    expect(users(/\bWorkspaceStore\b/)).toEqual([...OWNERS.store].sort());
  });

  it('only the service builds the parts that hold its store', () => {
    const parts = [
      'Reconciler',
      'WorkspaceOrders',
      'WorkspaceActions',
      'WorkspaceConsoles',
    ];
    expect(users(new RegExp(`\\bnew (${parts.join('|')})\\b`))).toEqual([
      'service/WorkspaceService.ts',
    ]);
  });

  it('only the service calls providers', () => {
    expect(users(/\bforCluster\(|\bProviderRegistry\b/)).toEqual(
      [...OWNERS.providers].sort(),
    );
  });
});
