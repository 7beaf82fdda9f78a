import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  FormControl,
  FormHelperText,
  InputLabel,
  MenuItem,
  Select,
} from '@material-ui/core';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { WorkspaceFlavors } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';

function useFlavors() {
  const api = useApi(workspacesApiRef);
  const [flavors, setFlavors] = useState<WorkspaceFlavors>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api.getFlavors().then(setFlavors, setError);
  }, [api]);
  return { flavors, error };
}

function Picker(
  props: FieldExtensionComponentProps<string> & {
    options?: Array<{ name: string; title: string }>;
    error?: Error;
    what: string;
  },
) {
  const {
    formData,
    onChange,
    required,
    rawErrors,
    schema,
    idSchema,
    options,
    error,
    what,
  } = props;
  const id = idSchema?.$id ?? what;
  return (
    <FormControl
      fullWidth
      required={required}
      error={!!rawErrors?.length || !!error}
      margin="normal"
    >
      <InputLabel id={`${id}-label`}>{schema.title ?? what}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        value={formData ?? ''}
        onChange={e => onChange(e.target.value as string)}
        inputProps={{ 'data-testid': `${what}-picker` }}
      >
        {(options ?? []).map(o => (
          <MenuItem key={o.name} value={o.name}>
            {o.title}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>
        {error
          ? `Could not load what can be ordered: ${error.message}`
          : schema.description}
      </FormHelperText>
    </FormControl>
  );
}

/** Lists the images the backend serves, for one operating system (`ui:options.os`). */
export function WorkspaceFlavorPicker(
  props: FieldExtensionComponentProps<string, { os?: 'linux' | 'windows' }>,
) {
  const { flavors, error } = useFlavors();
  const os = props.uiSchema?.['ui:options']?.os;
  const options = flavors?.images.filter(i => !os || i.os === os);
  return (
    <Picker {...(props as any)} options={options} error={error} what="image" />
  );
}

/** Lists the sizes the backend serves. */
export function WorkspaceSizePicker(
  props: FieldExtensionComponentProps<string>,
) {
  const { flavors, error } = useFlavors();
  return (
    <Picker {...props} options={flavors?.sizes} error={error} what="size" />
  );
}
