import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';
import { OS_TITLES, useFlavors } from '../fields/offer';

/**
 * The operating systems this portal's images offer, from the flavors the
 * admins configured; undefined until known, or when they cannot be read
 * (the words only describe the portal; without them it says less).
 */
export function useOfferedSystems(): WorkspaceOs[] | undefined {
  const { flavors } = useFlavors();
  if (!flavors) return undefined;
  const offered = new Set(flavors.images.map(i => i.os));
  return (['linux', 'windows'] as const).filter(os => offered.has(os));
}

/**
 * "Linux", "Linux and Windows" (or "Linux or Windows"), or "" when nothing
 * is known, so a sentence can put it before "desktop".
 */
export function systemWords(
  systems: WorkspaceOs[] | undefined,
  joiner: 'and' | 'or',
): string {
  return (systems ?? []).map(os => OS_TITLES[os]).join(` ${joiner} `);
}

/**
 * "Order a Linux desktop" and the rest of the sentence, naming only what
 * this portal offers; a component so that only an empty list asks.
 */
export function OrderSentence(props: { ending: string }) {
  const any = systemWords(useOfferedSystems(), 'or');
  return `Order ${any ? `a ${any}` : 'a'} desktop${props.ending}`;
}
