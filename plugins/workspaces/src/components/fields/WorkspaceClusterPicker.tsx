import { useEffect } from 'react';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';
import { Picker } from './WorkspaceFlavorPickers';
import { clustersFor, useFlavors } from './offer';

/**
 * The cluster to order on, among those that run the template's operating
 * system (`ui:options.os`). It starts at the backend's default when that
 * fits, else at the first that does, and is shown only when there is a
 * choice: one cluster is nothing to ask about.
 */
export function WorkspaceClusterPicker(
  props: FieldExtensionComponentProps<string, { os?: WorkspaceOs }>,
) {
  const { flavors, error } = useFlavors();
  const os = props.uiSchema?.['ui:options']?.os;
  const fit = flavors && clustersFor(flavors, os);
  const { formData, onChange } = props;
  useEffect(() => {
    if (fit?.length && !fit.some(c => c.name === formData)) {
      onChange(fit[0].name);
    }
  }, [fit, formData, onChange]);
  if (!error && (!fit || fit.length < 2)) return null;
  return (
    <Picker
      {...(props as any)}
      options={fit?.map(c => ({
        name: c.name,
        title: `${c.name} (${c.provider})`,
      }))}
      error={error}
      what="cluster"
    />
  );
}
