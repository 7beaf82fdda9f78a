import {
  assertError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';
import type {
  WorkspaceProvider,
  WorkspaceRef,
} from '@desktop-mania/plugin-workspaces-node';

/** Which provider runs which cluster. */
export class ProviderRegistry {
  private readonly byCluster = new Map<string, WorkspaceProvider>();
  private readonly listed: Array<{
    name: string;
    provider: string;
    os: WorkspaceOs[];
  }> = [];

  constructor(
    providers: WorkspaceProvider[],
    private readonly preferredDefault?: string,
  ) {
    for (const provider of providers) {
      for (const cluster of provider.getClusters()) {
        const taken = this.byCluster.get(cluster.name);
        if (taken) {
          throw new InputError(
            `Cluster '${cluster.name}' is served by both the '${taken.id}' and '${provider.id}' providers; cluster names must be unique`,
          );
        }
        this.byCluster.set(cluster.name, provider);
        this.listed.push({
          name: cluster.name,
          provider: provider.id,
          os: cluster.os,
        });
      }
    }
    if (preferredDefault && !this.byCluster.has(preferredDefault)) {
      throw new InputError(
        `workspaces.defaultCluster is '${preferredDefault}', but no provider serves it; served: ${
          [...this.byCluster.keys()].join(', ') || '(none)'
        }`,
      );
    }
  }

  /** Each served cluster once, in the order the providers list them. */
  clusters(): Array<{ name: string; provider: string; os: WorkspaceOs[] }> {
    return this.listed.map(c => ({ ...c }));
  }

  defaultCluster(): string {
    return this.preferredDefault ?? this.byCluster.keys().next().value ?? '';
  }

  forCluster(cluster: string): WorkspaceProvider {
    const provider = this.byCluster.get(cluster);
    if (!provider) {
      throw new ServiceUnavailableError(
        `No desktop provider serves cluster '${cluster}'; check the workspaces provider modules and their config`,
      );
    }
    return provider;
  }

  /**
   * Deletes a desktop's machine. One that is already gone is the outcome
   * wanted, so only other failures throw.
   */
  async deleteMachine({ name, cluster }: WorkspaceRef): Promise<void> {
    try {
      await this.forCluster(cluster).delete({ name, cluster });
    } catch (error) {
      assertError(error);
      if (error.name !== 'NotFoundError') throw error;
    }
  }
}
