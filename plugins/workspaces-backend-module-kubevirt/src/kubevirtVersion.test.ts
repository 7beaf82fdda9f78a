import { mockServices } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { toKubeApiError } from './KubeApiError';
import { KubeVirtVersion, preservesConsoleSession } from './kubevirtVersion';
import { versionPayload } from './__testUtils__/apiServer';
import { forbidden } from './__testUtils__/refusals';

describe('preservesConsoleSession', () => {
  it.each([
    ['v1.7.0', true],
    ['v1.7.0-alpha.0', true],
    ['v1.8.2', true],
    ['v2.0.0', true],
    ['v1.9.0-beta.0-1264-gd923fdb815', true],
    ['v1.6.3', false],
    ['v0.59.2', false],
    ['', undefined],
    [undefined, undefined],
    ['main', undefined],
  ])('reads %j as %j', (gitVersion, expected) => {
    expect(preservesConsoleSession(gitVersion)).toBe(expected);
  });
});

describe('KubeVirtVersion', () => {
  it('asks once, and again only after the cluster could not be reached', async () => {
    const getKubeVirtVersion = jest
      .fn()
      .mockRejectedValueOnce(
        new ServiceUnavailableError("Cluster 'c' could not be reached"),
      )
      .mockResolvedValue(versionPayload('v1.7.0'));
    const version = new KubeVirtVersion(
      { getKubeVirtVersion },
      'c',
      mockServices.logger.mock(),
    );
    await expect(version.preservesConsoleSession()).resolves.toBeUndefined();
    await expect(version.preservesConsoleSession()).resolves.toBe(true);
    await expect(version.preservesConsoleSession()).resolves.toBe(true);
    expect(getKubeVirtVersion).toHaveBeenCalledTimes(2);
  });

  it('does not ask again a cluster that refuses, and says so once', async () => {
    const getKubeVirtVersion = jest
      .fn()
      .mockRejectedValue(
        toKubeApiError(
          403,
          forbidden(
            'get',
            'version',
            'subresources.kubevirt.io',
            undefined,
            null,
          ),
        ),
      );
    const logger = mockServices.logger.mock();
    const version = new KubeVirtVersion({ getKubeVirtVersion }, 'c', logger);
    await version.preservesConsoleSession();
    await expect(version.preservesConsoleSession()).resolves.toBeUndefined();
    expect(getKubeVirtVersion).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});
