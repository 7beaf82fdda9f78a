import { useEffect, useMemo } from 'react';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { WorkspaceFlavors } from '@desktop-mania/plugin-workspaces-common';
import { describeHours, useFlavors } from './offer';
import { useOwnerNames } from './owners';

/** The order in words, keyed as the template's `summary` properties. */
export type OrderSummary = Partial<
  Record<'image' | 'size' | 'cluster' | 'disk' | 'lifetime' | 'owner', string>
>;

/**
 * The order as people read it: titles for the IDs the other fields hold.
 * An ID the offer does not know stays as it is rather than vanish.
 */
export function summarize(
  form: Record<string, unknown>,
  flavors: WorkspaceFlavors | undefined,
  ownerName: (ref: string) => string,
): OrderSummary {
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const count = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  const image = text(form.image);
  const size = text(form.size);
  const cluster = text(form.cluster);
  const diskGi = count(form.diskGi);
  const hours = count(form.lifetimeHours);
  const owner = text(form.owner);
  const summary: OrderSummary = {
    image:
      image && (flavors?.images.find(i => i.name === image)?.title ?? image),
    size: size && (flavors?.sizes.find(s => s.name === size)?.title ?? size),
    // Where it runs matters only when there was a choice.
    cluster: flavors && flavors.clusters.length > 1 ? cluster : undefined,
    disk: diskGi === undefined ? undefined : `${diskGi} GiB`,
    lifetime: hours === undefined ? undefined : describeHours(hours),
    owner: owner && ownerName(owner),
  };
  return Object.fromEntries(
    Object.entries(summary).filter(([, v]) => v !== undefined),
  );
}

/**
 * Shows nothing; keeps the order in words in its own value. The scaffolder's
 * review step lists values as they are and has no hook to show a title for
 * an ID, so the template hides the ID fields from the review
 * (`ui:backstage.review.show: false`) and lists this one, whose properties
 * the template titles "Image", "Size" and so on.
 */
export function WorkspaceOrderSummary(
  props: FieldExtensionComponentProps<OrderSummary>,
) {
  const { formData, onChange, formContext } = props;
  const form = ((formContext as any)?.formData ?? {}) as Record<
    string,
    unknown
  >;
  const { flavors } = useFlavors();
  const owner = typeof form.owner === 'string' ? form.owner : undefined;
  const ownerName = useOwnerNames(owner ? [owner] : undefined);
  const summary = summarize(form, flavors, ownerName);
  const key = JSON.stringify(summary);
  const current = useMemo(() => JSON.stringify(formData ?? {}), [formData]);
  useEffect(() => {
    if (key !== current) onChange(JSON.parse(key));
  }, [key, current, onChange]);
  return null;
}
