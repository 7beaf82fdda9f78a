import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { KubeVirtApi } from './KubeVirtApi';

/**
 * Whether a KubeVirt release honours `preserveSession` on the VNC
 * subresource: from v1.7.0 (kubevirt/kubevirt commit 4324e24eda, "vnc: add
 * option to preserve ongoing VNC session", pkg/virt-handler/rest/console.go
 * `VNCHandler`). Before, every connect closes the current viewer's session.
 * Pre-releases of 1.7 count: the change landed before v1.7.0-alpha.0.
 */
export function preservesConsoleSession(
  gitVersion: string | undefined,
): boolean | undefined {
  const match = /^v?(\d+)\.(\d+)\./.exec(gitVersion ?? '');
  if (!match) return undefined;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 1 || (major === 1 && minor >= 7);
}

/** The KubeVirt version of one cluster, read once. */
export class KubeVirtVersion {
  private known?: Promise<boolean | undefined>;

  constructor(
    private readonly api: Pick<KubeVirtApi, 'getKubeVirtVersion'>,
    private readonly clusterName: string,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Whether console connects on this cluster can leave another viewer's
   * session alone; undefined while that is not known. Never throws: a
   * cluster that cannot be reached is asked again on the next call, one that
   * refuses is not asked again.
   */
  preservesConsoleSession(): Promise<boolean | undefined> {
    this.known ??= this.api.getKubeVirtVersion().then(
      info => {
        const preserves = preservesConsoleSession(info.gitVersion);
        if (preserves === false) {
          this.logger.warn(
            `KubeVirt ${info.gitVersion} on cluster '${this.clusterName}' predates v1.7.0: every console connect takes the seat from whoever is connected`,
          );
        }
        return preserves;
      },
      error => {
        if (error instanceof ServiceUnavailableError) {
          this.known = undefined;
        } else {
          this.logger.warn(
            `Could not read the KubeVirt version of cluster '${this.clusterName}': ${error}`,
          );
        }
        return undefined;
      },
    );
    return this.known;
  }
}
