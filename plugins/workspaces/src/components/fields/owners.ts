import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { WorkspaceOrdering } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';

/** One owner the caller may order for, with its desktops against the quota. */
export type OrderingOwner = WorkspaceOrdering['owners'][number];

/** Whom the caller may order for (self first, then groups), from `GET /ordering`. */
export function useOrdering() {
  const api = useApi(workspacesApiRef);
  const [ordering, setOrdering] = useState<WorkspaceOrdering>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api.getOrdering().then(setOrdering, setError);
  }, [api]);
  return { ordering, error };
}

/** A user's or group's display name from its catalog entity, if it has one. */
export function entityName(entity: Entity | undefined): string | undefined {
  const profile = (entity?.spec as { profile?: { displayName?: string } })
    ?.profile;
  return profile?.displayName || entity?.metadata.title || undefined;
}

/** An owner's name when the catalog does not know it: the name part of the ref. */
export function fallbackName(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

/**
 * The catalog's display names of entity refs, falling back to the name in
 * the ref: a name is a nicety, and the ref still says who is meant.
 */
export function useOwnerNames(refs: string[] | undefined) {
  const catalog = useApi(catalogApiRef);
  const [names, setNames] = useState<Record<string, string>>({});
  const key = refs?.join(',');
  useEffect(() => {
    if (!key) return;
    const entityRefs = key.split(',');
    catalog
      .getEntitiesByRefs({
        entityRefs,
        fields: ['kind', 'metadata.name', 'metadata.title', 'spec.profile'],
      })
      .then(
        ({ items }) =>
          setNames(
            Object.fromEntries(
              entityRefs.map((ref, i) => [
                ref,
                entityName(items[i]) ?? fallbackName(ref),
              ]),
            ),
          ),
        () => setNames({}),
      );
  }, [catalog, key]);
  return (ref: string) => names[ref] ?? fallbackName(ref);
}

/** "2 of 3 desktops used", and at the quota what to do about it. */
export function quotaLine(owner: OrderingOwner, name: string): string {
  const used = `${owner.held} of ${owner.max} desktops used`;
  if (owner.held < owner.max) return `${name}: ${used}.`;
  return `${name}: ${used}, the most allowed. Delete one of its desktops (stopped ones count too) or choose another owner.`;
}

/** Whether an owner can take one more desktop. */
export const atQuota = (owner: OrderingOwner) => owner.held >= owner.max;
