import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';

const NAMES: Record<WorkspaceOs, string> = {
  linux: 'Linux',
  windows: 'Windows',
};

/**
 * The operating systems this portal's images offer, from the flavors the
 * admins configured; undefined until known, or when they cannot be read.
 */
export function useOfferedSystems(): WorkspaceOs[] | undefined {
  const api = useApi(workspacesApiRef);
  const [systems, setSystems] = useState<WorkspaceOs[]>();
  useEffect(() => {
    let current = true;
    api.getFlavors().then(
      flavors => {
        if (!current) return;
        const offered = new Set(flavors.images.map(i => i.os));
        setSystems(
          (['linux', 'windows'] as const).filter(os => offered.has(os)),
        );
      },
      // The words only describe the portal; without them it says less.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api]);
  return systems;
}

/**
 * "Linux", "Linux and Windows" (or "Linux or Windows"), or "" when nothing
 * is known, so a sentence can put it before "desktop".
 */
export function systemWords(
  systems: WorkspaceOs[] | undefined,
  joiner: 'and' | 'or',
): string {
  return (systems ?? []).map(os => NAMES[os]).join(` ${joiner} `);
}

/**
 * "Order a Linux desktop" and the rest of the sentence, naming only what
 * this portal offers; a component so that only an empty list asks.
 */
export function OrderSentence(props: { ending: string }) {
  const any = systemWords(useOfferedSystems(), 'or');
  return `Order ${any ? `a ${any}` : 'a'} desktop${props.ending}`;
}
