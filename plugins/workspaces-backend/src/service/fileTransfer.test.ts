import { PassThrough } from 'stream';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  workspaceConnectPermission,
  workspaceFilesPermission,
} from '@desktop-mania/plugin-workspaces-common';
import { FakeProviderWithFiles } from '@desktop-mania/plugin-workspaces-node/testUtils';
import type { WorkspaceRecord } from '../database/WorkspaceStore';
import { FileTransfer, readFileTransferConfig } from './fileTransfer';
import { ProviderRegistry } from './ProviderRegistry';
import type { WorkspaceAuthorizer } from './WorkspaceAuthorizer';
import type { AuditEntry } from './WorkspaceService';

const ALICE = mockCredentials.user('user:default/alice');

async function setup(options: { connect?: boolean; maxUploadBytes?: number }) {
  const provider = new FakeProviderWithFiles();
  await provider.create({ name: 'desk', cluster: 'test' } as any);
  await provider.start({ name: 'desk', cluster: 'test' });
  const asked: string[] = [];
  const authorizer = {
    authorizeRecord: async (name: string, permission: { name: string }) => {
      asked.push(permission.name);
      return { name, cluster: 'test' } as WorkspaceRecord;
    },
    isAllowed: async (permission: { name: string }) => {
      asked.push(permission.name);
      return options.connect ?? true;
    },
  } as unknown as WorkspaceAuthorizer;
  const audited: AuditEntry[] = [];
  const transfer = new FileTransfer({
    authorizer,
    providers: new ProviderRegistry([provider]),
    audit: async entry => {
      audited.push(entry);
    },
    config:
      options.maxUploadBytes === undefined
        ? undefined
        : { maxUploadBytes: options.maxUploadBytes },
  });
  return { transfer, provider, asked, audited };
}

const body = (text: string) => {
  const stream = new PassThrough();
  stream.end(text);
  return stream;
};

describe('FileTransfer', () => {
  it('asks for the files and the console permission', async () => {
    const { transfer, asked } = await setup({});
    await transfer.list(ALICE, 'desk', '');
    expect(asked).toEqual([
      workspaceFilesPermission.name,
      workspaceConnectPermission.name,
    ]);
  });

  it('refuses with 403 whoever may not open the console', async () => {
    const { transfer, provider } = await setup({ connect: false });
    await expect(
      transfer.upload(ALICE, 'desk', 'a.txt', body('x'), 1),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'NotAllowedError',
        message: "You may not transfer files with the desktop 'desk'",
      }),
    );
    expect(provider.homes.size).toBe(0);
  });

  it('refuses uploads above the cap before the provider is asked', async () => {
    const { transfer, provider, audited } = await setup({
      maxUploadBytes: 2 ** 20,
    });
    await expect(
      transfer.upload(ALICE, 'desk', 'big.iso', body(''), 3 * 2 ** 20),
    ).rejects.toThrow(
      'The file is too big: 3.0 MiB, and uploads may be at most 1.0 MiB',
    );
    await expect(
      transfer.upload(ALICE, 'desk', 'a.txt', body('x'), undefined),
    ).rejects.toThrow(/Content-Length/);
    expect(provider.calls.filter(c => c.op === 'files')).toEqual([]);
    expect(audited).toEqual([]);
  });

  it('takes uploads up to the cap and audits them', async () => {
    const { transfer, provider, audited } = await setup({
      maxUploadBytes: 5,
    });
    await transfer.upload(ALICE, 'desk', 'Uploads/a.txt', body('12345'), 5);
    expect(provider.homes.get('desk')?.get('Uploads/a.txt')?.toString()).toBe(
      '12345',
    );
    expect(audited).toEqual([
      {
        workspace: 'desk',
        actor: 'user:default/alice',
        action: 'upload',
        outcome: 'succeeded',
        message: 'Uploads/a.txt (5 B)',
      },
    ]);
  });

  it('refuses to download the home itself', async () => {
    const { transfer } = await setup({});
    await expect(transfer.download(ALICE, 'desk', '')).rejects.toThrow(
      'path: names the home itself, not a file in it',
    );
  });
});

describe('readFileTransferConfig', () => {
  it('defaults to 100 MiB', () => {
    expect(readFileTransferConfig(new ConfigReader({}))).toEqual({
      maxUploadBytes: 100 * 2 ** 20,
    });
  });

  it('reads workspaces.files.maxUploadMi', () => {
    expect(
      readFileTransferConfig(
        new ConfigReader({ workspaces: { files: { maxUploadMi: 2.5 } } }),
      ),
    ).toEqual({ maxUploadBytes: 2.5 * 2 ** 20 });
  });

  it.each([0, -1, 'lots'])('refuses %j naming the key', value => {
    expect(() =>
      readFileTransferConfig(
        new ConfigReader({ workspaces: { files: { maxUploadMi: value } } }),
      ),
    ).toThrow(/workspaces\.files\.maxUploadMi/);
  });
});
