import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import { checkCommonFlavors } from './checkCommonFlavors';

const check = (workspaces: object) =>
  checkCommonFlavors(new ConfigReader({ workspaces }));
const windows = {
  name: 'windows-11',
  os: 'windows',
  preference: 'windows.11.virtio',
  minimum: { cpu: 2, memory: '4Gi', diskGi: 64 },
};
const small = {
  name: 'small',
  instancetype: 'u1.medium',
  cpu: 1,
  memory: '4Gi',
};

describe('checkCommonFlavors', () => {
  it('accepts images and sizes that match the common bundles', () => {
    expect(() => check({ images: [windows], sizes: [small] })).not.toThrow();
  });

  it.each([
    [
      { images: [{ ...windows, minimum: { cpu: 1, memory: '4Gi' } }] },
      "Invalid config at 'workspaces.images[0].minimum.cpu': preference 'windows.11.virtio' requires 2 vCPU (common-instancetypes v1.7.0); set at least 2, got 1",
    ],
    [
      { images: [{ ...windows, minimum: undefined }] },
      "Invalid config at 'workspaces.images[0].minimum.cpu': preference 'windows.11.virtio' requires 2 vCPU (common-instancetypes v1.7.0); set at least 2, got none",
    ],
    [
      { images: [{ ...windows, minimum: { cpu: 2, memory: '2Gi' } }] },
      "Invalid config at 'workspaces.images[0].minimum.memory': preference 'windows.11.virtio' requires 4Gi (common-instancetypes v1.7.0); set at least '4Gi', got '2Gi'",
    ],
    [
      { sizes: [{ ...small, cpu: 2 }] },
      "Invalid config at 'workspaces.sizes[0].cpu': instancetype 'u1.medium' gives 1 vCPU (common-instancetypes v1.7.0); set cpu: 1, got 2",
    ],
    [
      { sizes: [{ ...small, memory: undefined }] },
      "Invalid config at 'workspaces.sizes[0].memory': instancetype 'u1.medium' gives 4Gi (common-instancetypes v1.7.0); set memory: 4Gi, got none",
    ],
  ])(
    'refuses %j, naming the key and the value needed',
    (workspaces, message) => {
      expect(() => check(workspaces)).toThrow(InputError);
      expect(() => check(workspaces)).toThrow(message);
    },
  );

  it('accepts memory written in another unit of the same amount', () => {
    expect(() =>
      check({ sizes: [{ ...small, memory: '4096Mi' }] }),
    ).not.toThrow();
  });

  it("leaves the operator's own preferences and instancetypes to the conformance check, and says so", () => {
    const logger = mockServices.logger.mock();
    checkCommonFlavors(
      new ConfigReader({
        workspaces: {
          images: [{ ...windows, preference: 'acme.desktop', minimum: {} }],
          sizes: [{ name: 'x', instancetype: 'acme.big' }],
        },
      }),
      logger,
    );
    expect(logger.info).toHaveBeenCalledWith(
      "Not among the common instancetypes, so not checked at start: preference 'acme.desktop', instancetype 'acme.big'; run the conformance check against the cluster",
    );
  });

  // The configs this repository ships are the ones operators copy.
  it.each([
    'app-config.yaml',
    'deploy/base/backstage/app-config.production.yaml',
  ])('passes for %s', file => {
    const root = path.resolve(__dirname, '../../..', file);
    const data = yaml.parse(fs.readFileSync(root, 'utf8'));
    expect(() =>
      checkCommonFlavors(new ConfigReader({ workspaces: data.workspaces })),
    ).not.toThrow();
  });
});
