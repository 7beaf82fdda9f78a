import { useEffect } from 'react';
import { makeStyles } from '@material-ui/core';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { WorkspaceOs } from '@desktop-mania/plugin-workspaces-common';
import { Picker } from './WorkspaceFlavorPickers';
import { clustersFor, useFlavors } from './offer';

/** Marks a field that shows nothing, so that its place in the form goes too. */
export const COLLAPSED_FIELD = 'data-workspaces-collapsed';

// The scaffolder lays each field out in a grid cell with padding and a
// margin of its own (rjsf's ObjectFieldTemplate), which stays when the field
// renders nothing: a gap between Name and Image. `ui:widget: hidden` would
// drop the cell, but for good, also when there are clusters to choose from;
// this drops it only while the field is empty, and the field still runs.
export const COLLAPSED_CELL = `[class*="MuiGrid-item"]:has(> .field > * > [${COLLAPSED_FIELD}])`;

const useStyles = makeStyles({
  '@global': { [COLLAPSED_CELL]: { display: 'none' } },
});

/**
 * The cluster to order on, among those that run the template's operating
 * system (`ui:options.os`). It starts at the backend's default when that
 * fits, else at the first that does, and is shown only when there is a
 * choice: one cluster is nothing to ask about.
 */
export function WorkspaceClusterPicker(
  props: FieldExtensionComponentProps<string, { os?: WorkspaceOs }>,
) {
  useStyles();
  const { flavors, error } = useFlavors();
  const os = props.uiSchema?.['ui:options']?.os;
  const fit = flavors && clustersFor(flavors, os);
  const { formData, onChange } = props;
  useEffect(() => {
    if (fit?.length && !fit.some(c => c.name === formData)) {
      onChange(fit[0].name);
    }
  }, [fit, formData, onChange]);
  if (!error && (!fit || fit.length < 2)) {
    return <span {...{ [COLLAPSED_FIELD]: '' }} />;
  }
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
